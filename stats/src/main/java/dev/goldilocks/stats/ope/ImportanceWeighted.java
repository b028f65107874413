package dev.goldilocks.stats.ope;

import java.util.List;

/**
 * What the weighting estimators share: each record's importance weight w_i = target(a_i | x_i) / logging(a_i | x_i),
 * and Kish's effective sample size (sum w)^2 / sum w^2 (n when every weight is equal, small when a few records carry
 * the estimate).
 */
abstract class ImportanceWeighted implements OffPolicyEstimator {

    final double level;

    ImportanceWeighted(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level: must be in (0, 1), got " + level);
        }
        this.level = level;
    }

    @Override
    public final OffPolicyEstimate estimate(List<LoggedDecision> log) {
        OffPolicyEstimate.requireRecords(log);
        double[] w = new double[log.size()];
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = log.get(i).weight();
            sum += w[i];
            squares += w[i] * w[i];
        }
        return estimate(log, w, squares == 0 ? 0 : sum * sum / squares);
    }

    /** The estimate from the log and its weights, in the log's order. */
    abstract OffPolicyEstimate estimate(List<LoggedDecision> log, double[] weights, double effectiveSampleSize);
}
