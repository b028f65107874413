package dev.goldilocks.gateway.service;

import dev.goldilocks.gateway.quality.Scoreboard;
import dev.goldilocks.router.stats.LiveStats;

/** Where each finished model call and each feedback goes, so policies learn from live traffic. */
public final class Outcomes {

    private final LiveStats stats;
    private final GatewayMetrics metrics;
    private final Scoreboard scoreboard;

    public Outcomes(LiveStats stats, GatewayMetrics metrics, Scoreboard scoreboard) {
        this.stats = stats;
        this.metrics = metrics;
        this.scoreboard = scoreboard;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    void modelCall(String model, String domain, double latencySeconds, double costUsd, int promptTokens,
                   int completionTokens) {
        stats.recordRequest(model, domain, latencySeconds, costUsd);
        metrics.modelCall(model, domain, costUsd, promptTokens, completionTokens);
        scoreboard.call(model, domain, latencySeconds, costUsd);
    }

    /** A quality observation from {@code source}, attributed to the model, domain, policy and arm that served. */
    public void quality(String source, String model, String domain, String policy, String arm, double score) {
        stats.recordQuality(model, domain, score);
        metrics.quality(source, model, domain, policy, arm, score);
        scoreboard.quality(source, model, domain, score);
    }
}
