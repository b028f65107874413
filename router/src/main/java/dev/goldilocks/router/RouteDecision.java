package dev.goldilocks.router;

import java.util.Map;
import java.util.Optional;

/**
 * A routing decision, with everything needed to explain and attribute it.
 *
 * @param prediction the domain the prompt was assigned to, with the classifier's confidence, runner-up and tier
 * @param model      the chosen model
 * @param policy     the policy that chose it
 * @param arm        the experiment arm; empty outside experiments
 * @param reason     a short human-readable reason
 * @param propensity the probability with which the policy chose this model (1 for deterministic policies)
 * @param estimates  the numbers the policy used (for example estimated utility per model)
 * @param escalation for a cascade: when and where to escalate after the first answer; empty otherwise
 */
public record RouteDecision(DomainPrediction prediction, String model, String policy, String arm,
                            String reason, double propensity, Map<String, Double> estimates,
                            Optional<Escalation> escalation) {

    public RouteDecision {
        estimates = Map.copyOf(estimates);
    }

    /** The domain the prompt was assigned to. */
    public String domain() {
        return prediction.domain();
    }

    /** The classifier's confidence in the domain. */
    public double confidence() {
        return prediction.confidence();
    }

    /** A deterministic decision without escalation. */
    public static RouteDecision of(DomainPrediction p, String model, String policy, String reason) {
        return new RouteDecision(p, model, policy, "", reason, 1.0, Map.of(), Optional.empty());
    }

    /** The decision for the model a cascade escalated to. */
    public RouteDecision escalated() {
        String to = escalation.orElseThrow().model();
        return new RouteDecision(prediction, to, policy, arm, reason + "; escalated to " + to, propensity,
                estimates, Optional.empty());
    }

    /** The decision for the generic model when the chosen one could not serve. */
    public RouteDecision fallenBackTo(String generic) {
        return new RouteDecision(prediction, generic, policy, arm, reason + "; fell back to " + generic,
                propensity, estimates, Optional.empty());
    }

    public RouteDecision withReason(String newReason) {
        return new RouteDecision(prediction, model, policy, arm, newReason, propensity, estimates, escalation);
    }

    /**
     * Escalate to {@code model} when the first answer's mean token log-probability is below the bound.
     *
     * @param model              the model to escalate to
     * @param minMeanLogprob     answers with a lower mean token log-probability are escalated
     */
    public record Escalation(String model, double minMeanLogprob) {
    }
}
