package dev.goldilocks.store;

/**
 * A model's served requests in one domain over a window: the latency and cost side of the tradeoff
 * report.
 *
 * @param errors    requests whose final status was not OK
 * @param fallbacks requests it answered as the fallback for another model
 */
public record ModelUsage(String model, String domain, long requests, long errors, long fallbacks,
                         double p50Seconds, double p95Seconds, double costUsd, long promptTokens,
                         long completionTokens) {
}
