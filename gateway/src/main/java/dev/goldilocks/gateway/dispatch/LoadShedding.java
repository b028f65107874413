package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.common.logging.RateLimitedLog;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tells the operator when one place (the gateway's door, a model's limit) starts refusing calls and when it
 * stops: one line when the first call is refused, one when a call is admitted after {@link #QUIET} without
 * refusals, with the count refused in between. Lines are rate-limited, so a limit that flaps cannot flood
 * the log.
 */
public final class LoadShedding {

    /** Admitted calls without a refusal for this long end an episode of shedding. */
    static final Duration QUIET = Duration.ofSeconds(5);

    private final RateLimitedLog log;
    private final String scope;
    private final LongSupplier clock;
    private final AtomicBoolean shedding = new AtomicBoolean();
    private final AtomicLong lastRefusal = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    public LoadShedding(RateLimitedLog log, String scope) {
        this(log, scope, System::nanoTime);
    }

    LoadShedding(RateLimitedLog log, String scope, LongSupplier clock) {
        this.log = log;
        this.scope = scope;
        this.clock = clock;
    }

    /** A call was refused; {@code why} says by what limit. */
    public void refused(String why) {
        lastRefusal.set(clock.getAsLong());
        refused.incrementAndGet();
        if (shedding.compareAndSet(false, true)) {
            log.warn("shed-start:" + scope, "load shedding started: {}: {}", scope, why);
        }
    }

    /** A call was admitted. */
    public void admitted() {
        boolean quiet = clock.getAsLong() - lastRefusal.get() > QUIET.toNanos();
        if (shedding.get() && quiet && shedding.compareAndSet(true, false)) {
            log.info("shed-stop:" + scope, "load shedding stopped: {}: {} calls refused since it started", scope,
                    refused.getAndSet(0));
        }
    }
}
