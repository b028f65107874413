package dev.goldilocks.gateway.quality;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The lifetime scoreboard per (model, domain): quality per source (tally), latency distribution and cost of
 * every model call since the gateway started, unweighted. (The routing policies learn from the decayed live
 * statistics instead, router's LiveStats.) Updates are lock-free or per-cell; the report reads a snapshot.
 */
public final class Scoreboard {

    /** One (model, domain) cell. */
    public static final class Cell {
        private final Map<String, QualityTally> quality = new ConcurrentHashMap<>();
        private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3);
        private double costSum;
        private long calls;

        public synchronized double meanCost() {
            return calls == 0 ? Double.NaN : costSum / calls;
        }

        public synchronized long calls() {
            return calls;
        }

        public QualityTally quality(String source) {
            return quality.getOrDefault(source, QualityTally.EMPTY);
        }

        public double latencyPercentileSeconds(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN
                    : latencyMicros.getValueAtPercentile(percentile) / 1e6;
        }

        synchronized void call(double latencySeconds, double cost) {
            calls++;
            costSum += cost;
            latencyMicros.recordValue(Math.max(1, (long) (latencySeconds * 1e6)));
        }

        void quality(String source, double score) {
            quality.merge(source, QualityTally.EMPTY.add(score), QualityTally::plus);
        }
    }

    public static final List<String> SOURCES = List.of("probe", "shadow", "feedback");

    private final Map<String, Cell> cells = new ConcurrentHashMap<>();

    public void call(String model, String domain, double latencySeconds, double cost) {
        cell(model, domain).call(latencySeconds, cost);
    }

    public void quality(String source, String model, String domain, double score) {
        cell(model, domain).quality(source, score);
    }

    public Cell cell(String model, String domain) {
        return cells.computeIfAbsent(model + "\u0000" + domain, k -> new Cell());
    }
}
