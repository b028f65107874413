package dev.goldilocks.worker.service;

import static dev.goldilocks.worker.generate.Callbacks.tell;

import dev.goldilocks.worker.generate.QueueTimeout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic batching of whole requests, as Triton's dynamic batcher does: the first waiting request
 * opens a batch, requests arriving within the queue delay join it up to the maximum batch size, and
 * the batch runs as one model call on this batcher's thread. The delay counts from the moment the
 * first request was queued, so a request that already waited for the previous batch to finish is
 * not held back again: under load batches form from the queue at once, and the delay only matters
 * when the model is idle. The queue is bounded: {@link #offer} refuses at once when it is full.
 *
 * @param <I> one request's input
 * @param <O> one request's answer
 */
public final class Batcher<I, O> implements AutoCloseable {

    /** Runs a batch; returns one answer per input, in order. */
    @FunctionalInterface
    public interface BatchFunction<I, O> {
        List<O> apply(List<I> inputs) throws Exception;
    }

    /** One waiting request's side: it may have left, and hears how its batch went. */
    public interface Caller<O> {
        boolean cancelled();

        /** Called when the batch starts, with its size, before the model runs. */
        void started(long startedNanos, int batchSize);

        void done(O answer);

        void failed(Exception e);
    }

    private record Waiting<I, O>(I input, Caller<O> caller, long queuedNanos) {
    }

    private final BatchFunction<I, O> function;
    private final int maxBatch;
    private final long delayNanos;
    private final long queueTimeoutNanos;
    private final BlockingQueue<Waiting<I, O>> queue;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int inFlight;

    public Batcher(String name, BatchFunction<I, O> function, int maxBatch, long maxDelay, TimeUnit unit,
                   int maxQueue) {
        this(name, function, maxBatch, maxDelay, unit, maxQueue, 0);
    }

    /** @param queueTimeoutNanos a request that waited longer is refused with {@link QueueTimeout} (0: none) */
    public Batcher(String name, BatchFunction<I, O> function, int maxBatch, long maxDelay, TimeUnit unit,
                   int maxQueue, long queueTimeoutNanos) {
        this.queueTimeoutNanos = queueTimeoutNanos;
        this.function = function;
        this.maxBatch = maxBatch;
        this.delayNanos = unit.toNanos(maxDelay);
        this.queue = new ArrayBlockingQueue<>(Math.max(1, maxQueue));
        this.thread = new Thread(this::loop, "batcher-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues one request; false when the queue is full. Once the batcher is stopping the request is answered
     * with {@link ClosedException} at once (and true returned): it was not refused for load.
     */
    public boolean offer(I input, Caller<O> caller) {
        if (!running) {
            tell(() -> caller.failed(new ClosedException()));
            return true;
        }
        Waiting<I, O> waiting = new Waiting<>(input, caller, System.nanoTime());
        if (!queue.offer(waiting)) {
            return false;
        }
        // Stopping began while this request went in: answer it, unless the thread has taken it (then it runs).
        if (!running && queue.remove(waiting)) {
            tell(() -> caller.failed(new ClosedException()));
        }
        return true;
    }

    public int queueLength() {
        return queue.size();
    }

    /** Requests in the batch that is running now. */
    public int inFlight() {
        return inFlight;
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            try {
                Waiting<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    run(collect(first));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<Waiting<I, O>> collect(Waiting<I, O> first) throws InterruptedException {
        List<Waiting<I, O>> batch = new ArrayList<>(maxBatch);
        batch.add(first);
        long until = first.queuedNanos() + delayNanos;
        while (batch.size() < maxBatch) {
            long left = until - System.nanoTime();
            Waiting<I, O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private void run(List<Waiting<I, O>> waiting) {
        // A request that left, or waited past the queue timeout, is answered now and does not take a row in the batch.
        List<Waiting<I, O>> batch = new ArrayList<>(waiting.size());
        long now = System.nanoTime();
        for (Waiting<I, O> w : waiting) {
            if (w.caller().cancelled()) {
                tell(() -> w.caller().failed(new CancellationException()));
            } else if (QueueTimeout.expired(w.queuedNanos(), now, queueTimeoutNanos)) {
                tell(() -> w.caller().failed(new QueueTimeout(now - w.queuedNanos(), queueTimeoutNanos)));
            } else {
                batch.add(w);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        batch.forEach(w -> tell(() -> w.caller().started(started, batch.size())));
        inFlight = batch.size();
        try {
            List<O> answers = function.apply(batch.stream().map(Waiting::input).toList());
            for (int i = 0; i < batch.size(); i++) {
                Caller<O> caller = batch.get(i).caller();
                O answer = answers.get(i);
                tell(() -> caller.done(answer));
            }
        } catch (Exception | Error e) {
            // a shutdown that terminated the run is the shutdown's answer, not the model failing
            Exception cause = !running ? new ClosedException()
                    : e instanceof Exception ex ? ex : new IllegalStateException(e);
            batch.forEach(w -> tell(() -> w.caller().failed(cause)));
        } finally {
            inFlight = 0;
        }
    }

    /** Thrown to a caller that was cancelled while it waited for a batch. */
    public static final class CancellationException extends Exception {
        CancellationException() {
            super("left the queue before its batch ran", null, false, false);
        }
    }

    /** Told to a caller still queued when the batcher closed. */
    public static final class ClosedException extends Exception {
        ClosedException() {
            super("the worker is shutting down; retry on another replica", null, false, false);
        }
    }

    /**
     * Stops taking requests and fails those still queued (none is dropped unanswered) with
     * {@link ClosedException}; the batch running now finishes. Returns at once; see {@link #join}.
     */
    public void stop() {
        running = false;
        List<Waiting<I, O>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(w -> tell(() -> w.caller().failed(new ClosedException())));
    }

    /** Waits up to {@code millis} for the batcher's thread to end; true once it has (no batch runs any more). */
    public boolean join(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
        return !thread.isAlive();
    }

    /** Stops, and waits up to 10 s for the running batch, so that the model is not closed under it. */
    @Override
    public void close() throws InterruptedException {
        stop();
        join(TimeUnit.SECONDS.toMillis(10));
    }
}
