package dev.goldilocks.stats.ope;

import java.util.List;

/** Estimates a target policy's mean outcome per request from decisions another (logging) policy made. */
public interface OffPolicyEstimator {

    String name();

    OffPolicyEstimate estimate(List<LoggedDecision> log);
}
