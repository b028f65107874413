package dev.goldilocks.router.stats;

import java.util.Map;

/**
 * What is believed about a model before live data arrives: quality per domain (in [0, 1], on the
 * domain's own metric), latency and cost per request. {@code weight} is how many observations the
 * prior is worth.
 */
public record Prior(Map<String, Double> quality, double latencySeconds, double costUsd, double weight) {

    public Prior {
        quality = Map.copyOf(quality);
    }

    public double quality(String domain) {
        return quality.getOrDefault(domain, 0.5);
    }
}
