package dev.goldilocks.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;

/**
 * deploy/pending.yaml: metric names and config keys that deploy/ uses before the code that provides them
 * is on this branch. A query that reads a pending metric must parse and return nothing; every other
 * query must return a series.
 */
record Pending(Set<String> metrics, Set<String> configKeys) {

    static Pending load() {
        JsonNode root = DeployFiles.yaml(DeployFiles.deploy().resolve("pending.yaml"));
        Set<String> metrics = new TreeSet<>();
        root.path("metrics").forEach(m -> metrics.add(m.path("name").asText()));
        Set<String> keys = new TreeSet<>();
        root.path("config_keys").forEach(k -> keys.add(k.path("key").asText()));
        return new Pending(metrics, keys);
    }

    /** Whether {@code expr} reads a pending metric (its _bucket, _sum and _count series included). */
    boolean readsPending(String expr) {
        return PromQl.metricNames(expr).stream().anyMatch(this::isPendingSeries);
    }

    boolean isPendingSeries(String name) {
        return metrics.stream().anyMatch(m -> isSeriesOf(m, name));
    }

    /** Whether {@code series} is {@code metric} itself or one of its histogram's series. */
    static boolean isSeriesOf(String metric, String series) {
        return series.equals(metric) || series.equals(metric + "_bucket") || series.equals(metric + "_sum")
                || series.equals(metric + "_count");
    }
}
