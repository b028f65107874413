package dev.goldilocks.router;

import java.util.Map;

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
 * @param estimates  the numbers the policy used (for example estimated quality per model)
 */
public record RouteDecision(String domain, double confidence, String model, String policy, String arm,
                            String reason, double propensity, Map<String, Double> estimates) {

    public RouteDecision {
        estimates = Map.copyOf(estimates);
    }
}
