package dev.goldilocks.stats.ope;

import java.util.List;
import java.util.Map;

/**
 * Doubly robust estimation (Robins et al. 1994; Dudik, Langford and Li 2011): per record,
 * sum_a target(a | x_i) q(x_i, a) + w_i (r_i - q(x_i, a_i)), with q the direct model's predicted outcome. Unbiased
 * when either the propensities or the direct model are right; the better the direct model, the smaller the
 * residuals the weights multiply and the lower the variance.
 */
public final class DoublyRobust extends ImportanceWeighted {

    public DoublyRobust(double level) {
        super(level);
    }

    @Override
    public String name() {
        return "dr";
    }

    @Override
    OffPolicyEstimate estimate(List<LoggedDecision> log, double[] w, double effectiveSampleSize) {
        double[] terms = new double[w.length];
        for (int i = 0; i < terms.length; i++) {
            LoggedDecision d = log.get(i);
            double direct = 0;
            for (Map.Entry<String, Double> e : d.target().entrySet()) {
                if (e.getValue() > 0) {
                    direct += e.getValue() * d.prediction(e.getKey());
                }
            }
            double correction = w[i] == 0 ? 0 : w[i] * (d.outcome() - d.prediction(d.action()));
            terms[i] = direct + correction;
        }
        return OffPolicyEstimate.meanOfTerms(name(), terms, effectiveSampleSize, level);
    }
}
