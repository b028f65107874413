package dev.goldilocks.stats.ope;

import java.util.List;

/** The importance weights target(a) / logging(a) of a log, and how much information they leave. */
final class ImportanceWeights {

    private ImportanceWeights() {
    }

    static double[] of(List<LoggedDecision> log) {
        double[] w = new double[log.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = log.get(i).weight();
        }
        return w;
    }

    /** Kish: (sum w)^2 / sum w^2; n when every weight is equal, small when a few records carry the estimate. */
    static double effectiveSampleSize(double[] w) {
        double sum = 0;
        double squares = 0;
        for (double x : w) {
            sum += x;
            squares += x * x;
        }
        return squares == 0 ? 0 : sum * sum / squares;
    }
}
