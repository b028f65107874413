package dev.goldilocks.gateway.config;

/**
 * Shadow traffic: a sampled share of client requests also run on the alternative model, off the client's path.
 *
 * @param share         the share of client generations that are shadowed, in [0, 1]
 * @param maxConcurrent shadow runs at once (the shadow bulkhead); more are dropped, never queued without bound
 */
public record ShadowSettings(double share, int maxConcurrent) {

    public static ShadowSettings off() {
        return new ShadowSettings(0, 1);
    }
}
