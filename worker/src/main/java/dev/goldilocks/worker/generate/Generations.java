package dev.goldilocks.worker.generate;

/**
 * Where a model's Generate requests go: a bounded queue in front of the one thread that runs them (a
 * causal LM's continuous batch, or an echo model's answers).
 */
public interface Generations {

    /**
     * Queues a sequence; false when the queue is full. Once stopping, the job is answered with
     * {@link DecodeLoop.Closed} at once (and true returned): it was not refused for load.
     */
    boolean offer(DecodeLoop.Job job);

    /** A caller became ready to read again, or left: the thread looks at its sequences again. */
    void wake();

    int queueLength();

    /** Sequences running now, those sitting out included. */
    int inFlight();

    /** Running sequences sitting out because their client is not reading. */
    int paused();

    /** Queued sequences fail with {@link DecodeLoop.Closed} now, running ones after their step; returns at once. */
    void stop();

    /** Waits up to {@code millis} for the thread to end; true once it has. */
    boolean join(long millis) throws InterruptedException;
}
