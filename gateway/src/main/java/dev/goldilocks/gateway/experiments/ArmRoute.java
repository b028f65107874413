package dev.goldilocks.gateway.experiments;

import dev.goldilocks.router.DomainPrediction;
import dev.goldilocks.router.RouteDecision;
import dev.goldilocks.router.Router;

/**
 * How an experiment routes one request: an exposure (its arm's policy decides, and the decision row and the route
 * name the experiment and the arm), or, after the experiment stopped with a shipped arm, that arm's policy without
 * an exposure.
 *
 * @param experiment   the experiment the request is exposed to; "" when it is routed by a shipped arm
 * @param arm          the arm; "" when routed by a shipped arm
 * @param unit         the unit as the decision log hashes it: the unit id, "api-key:" and the key's name, or "" for a
 *                     request randomised by itself
 * @param settingsHash the hash of the arm's policy settings, for the decision row
 * @param router       a router that runs only the arm's policy
 * @param note         what the route's reason says about it
 */
public record ArmRoute(String experiment, String arm, String unit, String settingsHash, Router router, String note) {

    public boolean exposed() {
        return !arm.isEmpty();
    }

    public RouteDecision route(DomainPrediction prediction) {
        RouteDecision decision = router.route(prediction, "");
        return decision.withArm(arm).withReason(decision.reason() + "; " + note);
    }
}
