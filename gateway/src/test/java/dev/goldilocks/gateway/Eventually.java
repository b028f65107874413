package dev.goldilocks.gateway;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for something a test can observe (a metric, a route, a report, rows in the decision log) that the
 * gateway makes true off the caller's path. The condition is the event; the short pause between looks is only
 * how often to look, never a guess at how long anything takes, and the patience is a bound for a stuck test on
 * a slow shared machine, not a timing the test relies on.
 */
public final class Eventually {

    /** How long a stuck test waits before it fails: far beyond what any awaited event takes. */
    public static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final long LOOK_EVERY_MILLIS = 10;

    private Eventually() {
    }

    /** A condition to look at; what it throws fails the test. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /** A reading to take; what it throws fails the test. */
    @FunctionalInterface
    public interface Reading<T> {
        T take() throws Exception;
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it did not within the patience. */
    public static void until(String what, Check condition) throws InterruptedException {
        value(what, condition::holds, done -> done);
    }

    /** The first reading that {@code done} accepts; fails with the last reading when none did within the patience. */
    public static <T> T value(String what, Reading<T> read, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            T now = take(what, read);
            if (done.test(now)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for: " + what + "; last reading: " + now);
            }
            Thread.sleep(LOOK_EVERY_MILLIS);
        }
    }

    private static <T> T take(String what, Reading<T> read) throws InterruptedException {
        try {
            return read.take();
        } catch (InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("reading " + what + " failed", e);
        }
    }
}
