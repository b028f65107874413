package dev.goldilocks.gateway.config;

/**
 * How the gateway calls workers.
 *
 * @param breakerFailureRate   percent of failed (or slow) calls in the window that opens an endpoint's breaker
 * @param breakerSlowSeconds   a call whose worker compute time (not its queueing) is longer counts as slow
 * @param breakerWindow        calls in the breaker's sliding window
 * @param breakerMinCalls      calls needed before the breaker judges
 * @param breakerOpenSeconds   how long an open breaker refuses calls before letting a few through
 * @param retryAttempts        attempts per call on a busy replica (queue full), the first included; a call whose
 *                             replica went away is moved to every other replica in turn instead
 * @param retryBudgetRatio     retries of busy replicas allowed per request on average (a token bucket), so
 *                             retries cannot multiply the load of a struggling pool
 * @param modelLimit           the concurrency limit of each model at this gateway
 * @param refreshSeconds       how often endpoints are re-resolved (DNS) and their state polled
 */
public record DispatchSettings(double breakerFailureRate, double breakerSlowSeconds, int breakerWindow,
                               int breakerMinCalls, double breakerOpenSeconds, int retryAttempts,
                               double retryBudgetRatio, ModelLimitSettings modelLimit, double refreshSeconds) {

    public static DispatchSettings defaults() {
        return new DispatchSettings(50, 30, 20, 10, 5, 2, 0.1, ModelLimitSettings.defaults(), 2);
    }

    public DispatchSettings withModelLimit(ModelLimitSettings limit) {
        return new DispatchSettings(breakerFailureRate, breakerSlowSeconds, breakerWindow, breakerMinCalls,
                breakerOpenSeconds, retryAttempts, retryBudgetRatio, limit, refreshSeconds);
    }

    public DispatchSettings withBreaker(double slowSeconds, int window, int minCalls, double openSeconds) {
        return new DispatchSettings(breakerFailureRate, slowSeconds, window, minCalls, openSeconds, retryAttempts,
                retryBudgetRatio, modelLimit, refreshSeconds);
    }

    public DispatchSettings withRefreshSeconds(double seconds) {
        return new DispatchSettings(breakerFailureRate, breakerSlowSeconds, breakerWindow, breakerMinCalls,
                breakerOpenSeconds, retryAttempts, retryBudgetRatio, modelLimit, seconds);
    }
}
