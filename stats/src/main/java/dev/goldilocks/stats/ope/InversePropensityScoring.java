package dev.goldilocks.stats.ope;

import java.util.List;

/**
 * Inverse propensity scoring (Horvitz and Thompson 1952): the mean over the log of w_i x r_i with
 * w_i = target(a_i | x_i) / logging(a_i | x_i). Unbiased wherever the logging policy gives every action the
 * target might take a positive probability; its variance grows with the weights.
 */
public final class InversePropensityScoring extends ImportanceWeighted {

    public InversePropensityScoring(double level) {
        super(level);
    }

    @Override
    public String name() {
        return "ips";
    }

    @Override
    OffPolicyEstimate estimate(List<LoggedDecision> log, double[] w, double effectiveSampleSize) {
        double[] terms = new double[w.length];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = w[i] * log.get(i).outcome();
        }
        return OffPolicyEstimate.meanOfTerms(name(), terms, effectiveSampleSize, level);
    }
}
