package dev.goldilocks.loadtests.loadgen;

import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency over a run's requests, in seconds, from an HdrHistogram (3 significant digits).
 * Null fields: no request had the value.
 */
public record Latency(long n, Double p50, Double p90, Double p99, Double mean, Double max) {

    /** The latencies {@code value} gives (nanoseconds; negative: the request has none). */
    static Latency of(Stream<RequestRecord> records, ToLongFunction<RequestRecord> value) {
        Histogram h = new Histogram(3); // auto-resizing; values in microseconds
        records.mapToLong(value).filter(v -> v >= 0).forEach(v -> h.recordValue(Math.max(1, v / 1000)));
        if (h.getTotalCount() == 0) {
            return new Latency(0, null, null, null, null, null);
        }
        return new Latency(h.getTotalCount(), seconds(h.getValueAtPercentile(50)), seconds(h.getValueAtPercentile(90)),
                seconds(h.getValueAtPercentile(99)), h.getMean() / 1e6, seconds(h.getMaxValue()));
    }

    private static double seconds(long micros) {
        return micros / 1e6;
    }
}
