package dev.goldilocks.gateway.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. Only names of this project count (they contain
 * "goldilocks"): string literals, label matchers, grouping lists and ranges are removed first, so a
 * label value such as job="goldilocks-gateway" is not mistaken for a metric.
 */
final class PromQl {

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern NAME = Pattern.compile("(?<![\\w:.])(?=[a-zA-Z_:])[\\w:]*goldilocks[\\w:]*");

    private PromQl() {
    }

    static Set<String> metricNames(String expr) {
        String bare = STRINGS.matcher(expr).replaceAll("\"\"");
        bare = MATCHERS.matcher(bare).replaceAll("{}");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        bare = RANGES.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(bare);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** A recording rule's name (level:metric:operations), as opposed to a metric the code exposes. */
    static boolean isRecorded(String name) {
        return name.contains(":");
    }
}
