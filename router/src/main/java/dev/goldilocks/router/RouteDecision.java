package dev.goldilocks.router;

import java.util.Map;
import java.util.Optional;

/**
 * A routing decision, with everything needed to explain and attribute it.
 *
 * @param prediction   the domain the prompt was assigned to, with the classifier's confidence, runner-up and tier
 * @param model        the model to call: the chosen one, or after a fallback or an escalation the one that answers
 * @param policy       the policy that chose it
 * @param arm          the experiment arm; empty outside experiments
 * @param reason       a short human-readable reason
 * @param distribution the policy's probability of choosing each candidate model in this context; the choice was
 *                     drawn from exactly this distribution
 * @param chosenModel  the model the policy drew (it keeps its name when {@code model} changes by fallback or
 *                     escalation)
 * @param estimates    the numbers the policy used (for example estimated utility per model)
 * @param escalation   for a cascade: when and where to escalate after the first answer; empty otherwise
 */
public record RouteDecision(DomainPrediction prediction, String model, String policy, String arm,
                            String reason, ActionDistribution distribution, String chosenModel,
                            Map<String, Double> estimates, Optional<Escalation> escalation) {

    public RouteDecision {
        estimates = Map.copyOf(estimates);
        if (!(distribution.probability(chosenModel) > 0)) {
            throw new IllegalArgumentException("chosen model " + chosenModel + " has no probability in " + distribution);
        }
    }

    /** A decision with probability 1 for {@code model}, without escalation. */
    public static RouteDecision of(DomainPrediction p, String model, String policy, String reason) {
        return certain(p, model, policy, reason, Map.of(), Optional.empty());
    }

    /** A decision with probability 1 for {@code model}. */
    public static RouteDecision certain(DomainPrediction p, String model, String policy, String reason,
                                        Map<String, Double> estimates, Optional<Escalation> escalation) {
        return new RouteDecision(p, model, policy, "", reason, ActionDistribution.certain(model), model, estimates,
                escalation);
    }

    /** The domain the prompt was assigned to. */
    public String domain() {
        return prediction.domain();
    }

    /** The classifier's confidence in the domain. */
    public double confidence() {
        return prediction.confidence();
    }

    /** The probability with which the policy chose {@link #chosenModel}: the logged propensity. */
    public double propensity() {
        return distribution.probability(chosenModel);
    }

    /** The decision for the model a cascade escalated to. */
    public RouteDecision escalated() {
        String to = escalation.orElseThrow().model();
        return new RouteDecision(prediction, to, policy, arm, reason + "; escalated to " + to, distribution,
                chosenModel, estimates, Optional.empty());
    }

    /** The decision for the generic model when the chosen one could not serve. */
    public RouteDecision fallenBackTo(String generic) {
        return new RouteDecision(prediction, generic, policy, arm, reason + "; fell back to " + generic,
                distribution, chosenModel, estimates, Optional.empty());
    }

    /** This decision made by an experiment arm's policy: the arm goes into the route and the log. */
    public RouteDecision withArm(String newArm) {
        return new RouteDecision(prediction, model, policy, newArm, reason, distribution, chosenModel, estimates,
                escalation);
    }

    public RouteDecision withReason(String newReason) {
        return new RouteDecision(prediction, model, policy, arm, newReason, distribution, chosenModel, estimates,
                escalation);
    }

    /**
     * This decision drawn from {@code drawnFrom}: unchanged but for the distribution when the draw kept
     * {@link #model}; otherwise the drawn model, the reason saying an exploration draw chose it, and no
     * escalation (what to escalate to belonged to the pick).
     */
    RouteDecision drawn(ActionDistribution drawnFrom, String drawnModel, double floor) {
        if (drawnModel.equals(model)) {
            return new RouteDecision(prediction, model, policy, arm, reason, drawnFrom, drawnModel, estimates,
                    escalation);
        }
        return new RouteDecision(prediction, drawnModel, policy, arm,
                String.format("exploration draw (floor %.3f): %s instead of %s (%s)", floor, drawnModel, model, reason),
                drawnFrom, drawnModel, estimates, Optional.empty());
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
