package dev.goldilocks.gateway.service;

import dev.goldilocks.router.stats.LiveStats;

/** Where each finished model call and each feedback goes, so policies learn from live traffic. */
public final class Outcomes {

    private final LiveStats stats;

    public Outcomes(LiveStats stats) {
        this.stats = stats;
    }

    void modelCall(String model, String domain, double latencySeconds, double costUsd) {
        stats.recordRequest(model, domain, latencySeconds, costUsd);
    }

    void quality(String model, String domain, double score) {
        stats.recordQuality(model, domain, score);
    }
}
