package dev.goldilocks.router.stats;

/**
 * Live estimates for one (model, domain).
 *
 * @param quality         posterior mean quality in [0, 1]
 * @param qualityEvidence effective number of quality observations, the prior's weight included
 * @param latencySeconds  mean end-to-end latency per request
 * @param costUsd         mean cost per request
 * @param requests        effective number of requests measured (decayed)
 */
public record Estimate(double quality, double qualityEvidence, double latencySeconds, double costUsd, double requests) {

    /** quality - lambda x cost - mu x latency. */
    public double utility(double lambda, double mu) {
        return quality - lambda * costUsd - mu * latencySeconds;
    }

    /** Beta posterior parameters of quality. */
    public double alpha() {
        return Math.max(1e-3, quality * qualityEvidence);
    }

    public double beta() {
        return Math.max(1e-3, (1 - quality) * qualityEvidence);
    }
}
