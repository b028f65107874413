package dev.goldilocks.router;

import java.util.Map;
import java.util.Optional;

/**
 * A routing decision, with everything needed to explain and attribute it.
 *
 * @param domain     the domain the prompt was assigned to
 * @param confidence the classifier's confidence in it
 * @param model      the chosen model
 * @param policy     the policy that chose it
 * @param arm        the experiment arm; empty outside experiments
 * @param reason     a short human-readable reason
 * @param propensity the probability with which the policy chose this model (1 for deterministic policies)
 * @param estimates  the numbers the policy used (for example estimated utility per model)
 * @param escalation for a cascade: when and where to escalate after the first answer; empty otherwise
 */
public record RouteDecision(String domain, double confidence, String model, String policy, String arm,
                            String reason, double propensity, Map<String, Double> estimates,
                            Optional<Escalation> escalation) {

    public RouteDecision {
        estimates = Map.copyOf(estimates);
    }

    /** A deterministic decision without escalation. */
    public static RouteDecision of(DomainPrediction p, String model, String policy, String reason) {
        return new RouteDecision(p.domain(), p.confidence(), model, policy, "", reason, 1.0, Map.of(), Optional.empty());
    }

    /** The decision for the model a cascade escalated to. */
    public RouteDecision escalated() {
        String to = escalation.orElseThrow().model();
        return new RouteDecision(domain, confidence, to, policy, arm, reason + "; escalated to " + to, propensity,
                estimates, Optional.empty());
    }

    /** The decision for the generic model when the chosen one could not serve. */
    public RouteDecision fallenBackTo(String generic) {
        return new RouteDecision(domain, confidence, generic, policy, arm, reason + "; fell back to " + generic,
                propensity, estimates, Optional.empty());
    }

    public RouteDecision withReason(String newReason) {
        return new RouteDecision(domain, confidence, model, policy, arm, newReason, propensity, estimates, escalation);
    }

    /**
     * Escalate to {@code model} when the first answer's mean token log-probability is below the bound.
     *
     * @param model              the model to escalate to
     * @param minMeanLogprob     answers with a lower mean token log-probability are escalated
     */
    public record Escalation(String model, double minMeanLogprob) {

        /**
         * Whether an answer of {@code tokens} tokens with this mean token log-probability escalates. An empty
         * answer always does: the mean of no log-probabilities says nothing of confidence.
         */
        public boolean escalates(double meanLogprob, int tokens) {
            return tokens == 0 || !(meanLogprob >= minMeanLogprob);
        }
    }
}
