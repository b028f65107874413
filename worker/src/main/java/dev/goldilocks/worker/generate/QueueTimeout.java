package dev.goldilocks.worker.generate;

/**
 * Told to a caller whose request waited in a model's queue longer than the model's queue timeout: it is
 * refused rather than served late (Triton's queue policy timeout with REJECT).
 */
public final class QueueTimeout extends Exception {

    public QueueTimeout(long waitedNanos, long timeoutNanos) {
        super("waited " + waitedNanos / 1_000_000 + " ms in the queue, past its timeout of " + timeoutNanos / 1_000_000
                + " ms", null, false, false);
    }

    /** Whether a request queued at {@code queuedNanos} and taken at {@code nowNanos} waited too long (0: no timeout). */
    public static boolean expired(long queuedNanos, long nowNanos, long timeoutNanos) {
        return timeoutNanos > 0 && nowNanos - queuedNanos > timeoutNanos;
    }
}
