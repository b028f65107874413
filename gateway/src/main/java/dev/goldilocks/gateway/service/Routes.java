package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.router.RouteDecision;

/** The public Route message of a routing decision. */
final class Routes {

    private Routes() {
    }

    static Route of(RouteDecision d) {
        return Route.newBuilder()
                .setDomain(d.domain())
                .setConfidence((float) d.confidence())
                .setModel(d.model())
                .setChosenModel(d.model())
                .setPolicy(d.policy())
                .setArm(d.arm())
                .setReason(d.reason())
                .setPropensity(d.propensity())
                .putAllEstimates(d.estimates())
                .setRunnerUp(d.prediction().runnerUp())
                .setRunnerUpConfidence((float) d.prediction().runnerUpConfidence())
                .setClassifierTier(d.prediction().tier())
                .setUncertain(d.prediction().uncertain())
                .build();
    }
}
