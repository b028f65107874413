package dev.goldilocks.stats.ope;

import java.util.Map;
import java.util.Objects;

/**
 * One logged routing decision, scored on one outcome, with what a target policy would have done in its context.
 *
 * @param context   what the policies saw that the evaluation groups by, e.g. the prompt's domain
 * @param action    the model the logging policy chose
 * @param logging   the logging policy's probability of each candidate model in this context (its full action
 *                  distribution; the chosen model's entry is the propensity)
 * @param outcome   the observed outcome of the chosen model: quality, cost or latency
 * @param target    the target policy's probability of each candidate model in this context
 * @param predicted the direct model's predicted outcome of each candidate model in this context; only the
 *                  doubly robust estimator reads it, so it may be empty for the others
 */
public record LoggedDecision(String context, String action, Map<String, Double> logging, double outcome,
                             Map<String, Double> target, Map<String, Double> predicted) {

    private static final double SUM_TOLERANCE = 1e-6;

    public LoggedDecision {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(action, "action");
        logging = Map.copyOf(logging);
        target = Map.copyOf(target);
        predicted = Map.copyOf(predicted);
        requireDistribution("logging", logging);
        requireDistribution("target", target);
        if (!(logging.getOrDefault(action, 0.0) > 0)) {
            throw new IllegalArgumentException("logging: the chosen action '" + action
                    + "' has no positive probability; a logged choice must have had a chance to be made");
        }
        if (!Double.isFinite(outcome)) {
            throw new IllegalArgumentException("outcome: must be a finite number, got " + outcome);
        }
    }

    /** The logging policy's probability of the action it chose. */
    public double propensity() {
        return logging.get(action);
    }

    /** The importance weight target(action) / logging(action). */
    public double weight() {
        return targetProbability(action) / propensity();
    }

    public double targetProbability(String candidate) {
        return target.getOrDefault(candidate, 0.0);
    }

    public double loggingProbability(String candidate) {
        return logging.getOrDefault(candidate, 0.0);
    }

    /** The direct model's prediction for {@code candidate}; fails naming the candidate when there is none. */
    public double prediction(String candidate) {
        Double p = predicted.get(candidate);
        if (p == null) {
            throw new IllegalArgumentException("predicted: no direct-model prediction for '" + candidate
                    + "' in context '" + context + "'");
        }
        return p;
    }

    private static void requireDistribution(String field, Map<String, Double> distribution) {
        if (distribution.isEmpty()) {
            throw new IllegalArgumentException(field + ": the action distribution is empty");
        }
        double sum = 0;
        for (Map.Entry<String, Double> e : distribution.entrySet()) {
            double p = e.getValue();
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(field + ": probability of '" + e.getKey() + "' is " + p
                        + ", outside [0, 1]");
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException(field + ": probabilities sum to " + sum + ", not 1");
        }
    }
}
