package dev.goldilocks.stats.ope;

import dev.goldilocks.stats.Interval;

import java.util.List;

/**
 * What one estimator says a policy's mean outcome per request is.
 *
 * @param estimator           which estimator produced it
 * @param value               the point estimate (NaN when the log holds nothing it can use)
 * @param interval            the two-sided interval at the requested level
 * @param effectiveSampleSize Kish's effective sample size of the importance weights, (sum w)^2 / sum w^2: how many
 *                            on-policy records the log is worth for this target; the record count on-policy
 * @param records             logged records read
 */
public record OffPolicyEstimate(String estimator, double value, Interval interval, double effectiveSampleSize,
                                int records) {

    /**
     * The mean of independent per-record terms with its central-limit interval: mean +- z x sd / sqrt(n), sd the
     * sample standard deviation of the terms.
     */
    static OffPolicyEstimate meanOfTerms(String estimator, double[] terms, double effectiveSampleSize,
                                         double level) {
        int n = terms.length;
        double mean = 0;
        for (double t : terms) {
            mean += t;
        }
        mean /= n;
        double squares = 0;
        for (double t : terms) {
            squares += (t - mean) * (t - mean);
        }
        double standardError = n > 1 ? Math.sqrt(squares / (n - 1) / n) : Double.NaN;
        return new OffPolicyEstimate(estimator, mean, Interval.normal(mean, standardError, level),
                effectiveSampleSize, n);
    }

    static void requireRecords(List<LoggedDecision> log) {
        if (log.isEmpty()) {
            throw new IllegalArgumentException("log: no records to evaluate");
        }
    }
}
