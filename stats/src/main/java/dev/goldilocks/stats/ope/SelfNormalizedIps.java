package dev.goldilocks.stats.ope;

import dev.goldilocks.stats.Interval;

import java.util.List;

/**
 * Self-normalised IPS (Hesterberg 1995; Swaminathan and Joachims 2015): sum w_i r_i / sum w_i. Slightly biased
 * (consistent), but never outside the range of the observed outcomes and usually of lower variance than IPS.
 * Interval by the delta method for a ratio of means: se^2 = sum w_i^2 (r_i - V)^2 / (sum w_i)^2.
 */
public final class SelfNormalizedIps extends ImportanceWeighted {

    public SelfNormalizedIps(double level) {
        super(level);
    }

    @Override
    public String name() {
        return "snips";
    }

    @Override
    OffPolicyEstimate estimate(List<LoggedDecision> log, double[] w, double ess) {
        double weightSum = 0;
        double weighted = 0;
        for (int i = 0; i < w.length; i++) {
            weightSum += w[i];
            weighted += w[i] * log.get(i).outcome();
        }
        if (weightSum == 0) {
            // No logged choice is one the target would make: nothing to normalise by; the support check says why.
            return new OffPolicyEstimate(name(), Double.NaN, new Interval(Double.NaN, Double.NaN), ess, w.length);
        }
        double value = weighted / weightSum;
        double squares = 0;
        for (int i = 0; i < w.length; i++) {
            double residual = w[i] * (log.get(i).outcome() - value);
            squares += residual * residual;
        }
        double standardError = Math.sqrt(squares) / weightSum;
        return new OffPolicyEstimate(name(), value, Interval.normal(value, standardError, level), ess, w.length);
    }
}
