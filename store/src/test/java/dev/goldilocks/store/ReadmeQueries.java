package dev.goldilocks.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The SQL examples of the module's README, so a test can run each on every store. */
final class ReadmeQueries {

    private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL);

    private ReadmeQueries() {
    }

    static List<String> read() throws IOException {
        String readme = Files.readString(Path.of("README.md")); // surefire runs in the module's directory
        List<String> queries = new ArrayList<>();
        Matcher m = SQL_BLOCK.matcher(readme);
        while (m.find()) {
            queries.add(m.group(1).strip().replaceFirst(";$", ""));
        }
        return queries;
    }
}
