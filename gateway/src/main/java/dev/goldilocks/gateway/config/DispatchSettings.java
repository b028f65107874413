package dev.goldilocks.gateway.config;

/**
 * How the gateway calls workers.
 *
 * @param breakerFailureRate   percent of failed (or slow) calls in the window that opens an endpoint's breaker
 * @param breakerSlowSeconds   a call slower than this counts as slow
 * @param breakerWindow        calls in the breaker's sliding window
 * @param breakerMinCalls      calls needed before the breaker judges
 * @param breakerOpenSeconds   how long an open breaker refuses calls before letting a few through
 * @param retryAttempts        attempts per call, the first included (a retry only before any token was sent)
 * @param retryBudgetRatio     retries allowed per request on average (a token bucket), so retries cannot multiply load
 * @param bulkheadPerModel     calls in flight per model at this gateway; beyond it the model counts as overloaded
 * @param refreshSeconds       how often endpoints are re-resolved (DNS) and their load polled
 */
public record DispatchSettings(double breakerFailureRate, double breakerSlowSeconds, int breakerWindow,
                               int breakerMinCalls, double breakerOpenSeconds, int retryAttempts,
                               double retryBudgetRatio, int bulkheadPerModel, double refreshSeconds) {

    public static DispatchSettings defaults() {
        return new DispatchSettings(50, 30, 20, 10, 5, 2, 0.1, 64, 2);
    }
}
