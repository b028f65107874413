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
 * swing the limit): when latency rises above its long-term level, worker queues are growing and the limit
 * comes down; while it stays level the limit grows. Only calls whose latency says something about the
 * model are samples: see {@link Dispatcher}.
 */
final class ModelLimiter {

    private final SimpleLimiter<Void> limiter;

    ModelLimiter(String model, ModelLimitSettings settings) {
        this.limiter = SimpleLimiter.newBuilder().named("model-" + model).limit(algorithm(settings)).build();
    }

    private static Limit algorithm(ModelLimitSettings s) {
        return switch (s.algorithm()) {
            case ModelLimitSettings.FIXED -> FixedLimit.of(s.max());
            case ModelLimitSettings.VEGAS -> WindowedLimit.newBuilder().build(VegasLimit.newBuilder()
                    .initialLimit(s.initial()).maxConcurrency(s.max()).build());
            default -> WindowedLimit.newBuilder().build(Gradient2Limit.newBuilder()
                    .initialLimit(s.initial()).minLimit(s.min()).maxConcurrency(s.max()).build());
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
