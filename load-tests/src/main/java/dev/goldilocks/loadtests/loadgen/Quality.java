package dev.goldilocks.loadtests.loadgen;

import java.util.List;
import java.util.stream.Stream;

/**
 * Mean quality of the answers that could be scored against a reference, with a normal 95% interval.
 * Null fields: nothing could be scored.
 */
public record Quality(long n, Double mean, Double ci95) {

    static Quality of(Stream<RequestRecord> records) {
        double[] scores = records.filter(RequestRecord::ok).mapToDouble(RequestRecord::quality)
                .filter(q -> !Double.isNaN(q)).toArray();
        if (scores.length == 0) {
            return new Quality(0, null, null);
        }
        double sum = 0;
        for (double s : scores) {
            sum += s;
        }
        double mean = sum / scores.length;
        double var = 0;
        for (double s : scores) {
            var += (s - mean) * (s - mean);
        }
        double sd = scores.length > 1 ? Math.sqrt(var / (scores.length - 1)) : 0;
        return new Quality(scores.length, mean, 1.96 * sd / Math.sqrt(scores.length));
    }

    /** The quality of all the answers behind several figures together (exact: from each one's n, mean and sd). */
    static Quality pooled(List<Quality> parts) {
        List<Quality> scored = parts.stream().filter(q -> q.n() > 0).toList();
        long n = scored.stream().mapToLong(Quality::n).sum();
        if (n == 0) {
            return new Quality(0, null, null);
        }
        double mean = scored.stream().mapToDouble(q -> q.mean() * q.n()).sum() / n;
        double squares = 0; // sum of squared deviations from the pooled mean
        for (Quality q : scored) {
            double sd = q.ci95() * Math.sqrt(q.n()) / 1.96;
            squares += (q.n() - 1) * sd * sd + q.n() * (q.mean() - mean) * (q.mean() - mean);
        }
        double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        return new Quality(n, mean, 1.96 * sd / Math.sqrt(n));
    }
}
