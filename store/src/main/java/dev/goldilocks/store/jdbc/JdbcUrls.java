package dev.goldilocks.store.jdbc;

import java.util.regex.Pattern;

/** JDBC URLs as they may appear in messages and logs. */
public final class JdbcUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    private JdbcUrls() {
    }

    /** The URL with any password in it replaced by ***. */
    public static String redact(String url) {
        String out = PASSWORD.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(out).replaceAll("$1***@");
    }
}
