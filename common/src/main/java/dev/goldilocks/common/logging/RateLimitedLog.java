package dev.goldilocks.common.logging;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One log line per kind of event per interval, for what an operator must see but what can happen
 * thousands of times a second under load (a breaker opening, load shedding, junk connections): the first
 * occurrence is logged at once, later ones within the interval are counted, and the next line logged for
 * that key says how many were suppressed.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }

    public RateLimitedLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    RateLimitedLog(Logger log, Duration interval, LongSupplier clock) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
    }

    public void info(String key, String format, Object... args) {
        log(Level.INFO, key, format, args);
    }

    public void warn(String key, String format, Object... args) {
        log(Level.WARN, key, format, args);
    }

    /**
     * Logs {@code format} (slf4j placeholders) unless a line with the same {@code key} was logged within the
     * interval; returns whether it was logged.
     */
    public boolean log(Level level, String key, String format, Object... args) {
        if (!log.isEnabledForLevel(level)) {
            return false;
        }
        Window w = windows.computeIfAbsent(key, k -> new Window());
        long now = clock.getAsLong();
        long last = w.lastLogged.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            w.suppressed.incrementAndGet();
            return false;
        }
        if (!w.lastLogged.compareAndSet(last, now)) {
            w.suppressed.incrementAndGet(); // another thread logs this one
            return false;
        }
        long skipped = w.suppressed.getAndSet(0);
        String line = skipped == 0 ? format : format + " (" + skipped + " more like it since the last line)";
        log.atLevel(level).log(line, args);
        return true;
    }
}
