package dev.goldilocks.gateway.dispatch;

/**
 * Retries as a share of requests: each request deposits {@code ratio} of a token, each retry takes one,
 * and at most {@code cap} tokens are saved. When workers fail en masse, retries stop instead of
 * multiplying the load.
 */
final class RetryBudget {

    private final double ratio;
    private final double cap;
    private double tokens;

    RetryBudget(double ratio, double cap) {
        this.ratio = ratio;
        this.cap = cap;
        this.tokens = cap;
    }

    synchronized void deposit() {
        tokens = Math.min(cap, tokens + ratio);
    }

    synchronized boolean tryWithdraw() {
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
