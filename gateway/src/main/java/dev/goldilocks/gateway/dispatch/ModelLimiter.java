package dev.goldilocks.gateway.dispatch;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import java.util.Optional;

/**
 * A model's concurrency limit at this gateway (Netflix concurrency-limits): a call takes a permit or is
 * refused at once. The adaptive algorithms learn from each admitted call's latency, from admission to
 * its end, averaged over windows of at least ten calls and a second (so one long generation does not
 * swing the limit). Vegas, the default, compares that latency with the lowest it has seen (the model
 * unloaded): when it rises well above it, calls are waiting (in worker queues, or in batches slowed by
 * their size or by other work on the cores) and the limit comes down. Gradient2 compares it with its own
 * long-term average instead, which a sustained overload pulls up: at three times the all-in-one's capacity
 * it let accepted calls' p99 reach 16 times the low-load p99, Vegas 6 times, at the same throughput
 * (load-tests/results/overload.md). Only calls whose latency says something about the model are samples:
 * see {@link Dispatcher}.
 */
final class ModelLimiter {

    private final SimpleLimiter<Void> limiter;

    ModelLimiter(String model, ModelLimitSettings settings) {
        this.limiter = SimpleLimiter.newBuilder().named("model-" + model).limit(algorithm(settings)).build();
    }

    private static Limit algorithm(ModelLimitSettings s) {
        return switch (s.algorithm()) {
            case ModelLimitSettings.FIXED -> FixedLimit.of(s.max());
            case ModelLimitSettings.GRADIENT2 -> WindowedLimit.newBuilder().build(Gradient2Limit.newBuilder()
                    .initialLimit(s.initial()).minLimit(s.min()).maxConcurrency(s.max()).build());
            // Vegas's own step down (log10 of the limit), floored at min, which Vegas itself has not
            default -> WindowedLimit.newBuilder().build(VegasLimit.newBuilder()
                    .initialLimit(s.initial()).maxConcurrency(s.max())
                    .decrease(limit -> Math.max(s.min(), limit - Math.log10(limit))).build());
        };
    }

    /** A permit, or empty when the model has as many calls in flight as its limit. */
    Optional<Limiter.Listener> acquire() {
        return limiter.acquire(null);
    }

    int limit() {
        return limiter.getLimit();
    }

    int inFlight() {
        return limiter.getInflight();
    }

    boolean saturated() {
        return inFlight() >= limit();
    }
}
