package dev.goldilocks.worker.generate;

import static dev.goldilocks.worker.generate.Callbacks.tell;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.KvBatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Continuous (iteration-level) batching of generation for one model, as vLLM and TGI do: one thread
 * runs every decoding step for all running sequences as one batch, each row with its own cache
 * length. Between steps a waiting sequence joins (its prompt runs first, alone) and a finished,
 * cancelled or expired one leaves and its cache is freed. A sequence whose client is not reading
 * ({@link Caller#ready()} false) sits out the steps, keeping its cache, until its client reads again:
 * its text does not pile up in memory and the others keep their speed. At most max_sequences run; at
 * most max_queue wait, and {@link #offer} refuses at once past that.
 */
public final class DecodeLoop implements Generations {

    /** Waiting sequences join a running batch at most this often: a join copies the batch's cache. */
    private static final int JOIN_EVERY_STEPS = 4;
    /** When every running sequence sits out, the loop checks for cancellations at least this often. */
    private static final long IDLE_WAIT_MILLIS = 100;

    /** The side of one request: whether it left, whether it can take more text, and how it ended. */
    public interface Caller {
        boolean cancelled();

        /**
         * Whether the client can take more text now (gRPC's isReady). While not, the sequence sits out
         * decoding steps; call {@link DecodeLoop#wake()} when it becomes ready again.
         */
        default boolean ready() {
            return true;
        }

        /** The sequence left the queue and its prompt is about to run. */
        void started(long startedNanos);

        /**
         * @param largestBatch the most sequences that decoded together with this one
         * @param deviceNanos  its share of device time: its prompt's run, and each step divided by the batch
         */
        void finished(GenerationResult result, int largestBatch, long deviceNanos);

        void failed(Exception e);
    }

    /** A request to generate, queued at {@code queuedNanos}. */
    public record Job(int[] prompt, GenerationSettings settings, GenerationListener listener, Caller caller,
                      long queuedNanos) {
        public Job(int[] prompt, GenerationSettings settings, GenerationListener listener, Caller caller) {
            this(prompt, settings, listener, caller, System.nanoTime());
        }
    }

    /** Told to a caller that left while it waited in the queue. */
    public static final class LeftQueue extends Exception {
        LeftQueue() {
            super("left the queue before it ran", null, false, false);
        }
    }

    /** Told to a caller still queued or running when the loop stopped. */
    public static final class Closed extends Exception {
        Closed() {
            super("the worker is shutting down; retry on another replica", null, false, false);
        }
    }

    private static final class Running {
        final Job job;
        final Decoding decoding;
        KvBatch.Row cache;
        int largestBatch = 1;
        long deviceNanos;

        Running(Job job, Decoding decoding, KvBatch.Row cache) {
            this.job = job;
            this.decoding = decoding;
            this.cache = cache;
        }
    }

    private final CausalLm model;
    private final int maxSequences;
    private final IntConsumer batchSizes;
    private final long queueTimeoutNanos;
    private final BlockingQueue<Job> queue;
    private final Thread thread;
    private final List<Running> running = new ArrayList<>();
    private final List<KvBatch> open = new ArrayList<>();
    private final Semaphore wakeups = new Semaphore(0);
    private int stepsSinceJoin;
    private volatile boolean stopping;
    private volatile int inFlight;
    private volatile int paused;

    /** @param batchSizes told the size of every decoding step's batch */
    public DecodeLoop(String name, CausalLm model, int maxSequences, int maxQueue, IntConsumer batchSizes) {
        this(name, model, maxSequences, maxQueue, batchSizes, 0);
    }

    /** @param queueTimeoutNanos a sequence that waited longer is refused with {@link QueueTimeout} (0: none) */
    public DecodeLoop(String name, CausalLm model, int maxSequences, int maxQueue, IntConsumer batchSizes,
                      long queueTimeoutNanos) {
        this.queueTimeoutNanos = queueTimeoutNanos;
        this.model = model;
        this.maxSequences = maxSequences;
        this.batchSizes = batchSizes;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, maxQueue));
        this.thread = new Thread(this::loop, "decode-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a sequence; false when the queue is full. Once the loop is stopping the job is answered with
     * {@link Closed} at once (and true returned): it was not refused for load.
     */
    public boolean offer(Job job) {
        if (stopping) {
            tell(() -> job.caller().failed(new Closed()));
            return true;
        }
        if (!queue.offer(job)) {
            return false;
        }
        wake();
        // Stopping began while this job went in: answer it, unless the loop has taken it (then it runs).
        if (stopping && queue.remove(job)) {
            tell(() -> job.caller().failed(new Closed()));
        }
        return true;
    }

    /** Tells the loop that a caller may have become ready (or left) while every running sequence sat out. */
    public void wake() {
        wakeups.release();
    }

    public int queueLength() {
        return queue.size();
    }

    /** Sequences decoding now, those sitting out included. */
    public int inFlight() {
        return inFlight;
    }

    /** Running sequences sitting out because their client is not reading. */
    public int paused() {
        return paused;
    }

    private void loop() {
        while (!stopping) {
            try {
                admit();
                leaveIfCancelled();
                List<Running> active = running.stream().filter(r -> r.job.caller().ready()).toList();
                paused = running.size() - active.size();
                if (!active.isEmpty()) {
                    step(active);
                } else if (!running.isEmpty()) {
                    wakeups.tryAcquire(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    wakeups.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (OrtException | RuntimeException | Error e) {
                // The batch's step failed (or was terminated by a shutdown): every sequence in it fails, the
                // loop goes on with new ones.
                Exception cause = stopping ? new Closed()
                        : e instanceof Exception ex ? ex : new IllegalStateException(e);
                running.forEach(r -> tell(() -> r.job.caller().failed(cause)));
                running.clear();
            }
            inFlight = running.size();
            closeUnused();
        }
        running.forEach(r -> tell(() -> r.job.caller().failed(new Closed())));
        running.clear();
        failQueued();
        inFlight = 0;
        paused = 0;
        closeUnused();
    }

    /** Takes waiting sequences while there is room, and runs each one's prompt. */
    private void admit() throws InterruptedException {
        // A join copies the batch's cache into a new one, so waiting sequences join in groups: at once when
        // nothing runs or they would fill the free rows, otherwise every JOIN_EVERY_STEPS steps.
        // While every running sequence sits out, nothing runs, so they join at once too.
        int free = maxSequences - running.size();
        boolean busy = running.stream().anyMatch(r -> r.job.caller().ready());
        if (busy && queue.size() < free && ++stepsSinceJoin < JOIN_EVERY_STEPS) {
            return;
        }
        stepsSinceJoin = 0;
        while (running.size() < maxSequences) {
            Job job = running.isEmpty() ? queue.poll(50, TimeUnit.MILLISECONDS) : queue.poll();
            if (job == null) {
                return;
            }
            if (job.caller().cancelled()) {
                tell(() -> job.caller().failed(new LeftQueue()));
                continue;
            }
            long started = System.nanoTime();
            if (QueueTimeout.expired(job.queuedNanos(), started, queueTimeoutNanos)) {
                tell(() -> job.caller().failed(new QueueTimeout(started - job.queuedNanos(), queueTimeoutNanos)));
                continue;
            }
            tell(() -> job.caller().started(started));
            Decoding decoding = new Decoding(model, job.prompt(), job.settings(), job.listener(), started);
            KvBatch cache;
            try {
                CausalLm.Step prefill = model.forward(job.prompt(), null);
                cache = prefill.cache();
                open.add(cache);
                decoding.accept(prefill.lastLogits());
            } catch (OrtException | RuntimeException e) {
                // this prompt failed (or a shutdown terminated its run); the running sequences are not affected
                Exception cause = stopping ? new Closed() : e;
                tell(() -> job.caller().failed(cause));
                continue;
            }
            Running sequence = new Running(job, decoding, new KvBatch.Row(cache, 0));
            sequence.deviceNanos = System.nanoTime() - started;
            if (decoding.finished()) {
                tell(() -> job.caller().finished(decoding.result(), 1, sequence.deviceNanos));
            } else {
                running.add(sequence);
            }
            inFlight = running.size();
        }
    }

    private void leaveIfCancelled() {
        for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
            Running r = it.next();
            if (r.job.caller().cancelled()) {
                it.remove();
                tell(() -> r.job.caller().failed(new Cancelled()));
            }
        }
    }

    /** One decoding step for the {@code active} running sequences; the finished ones leave. */
    private void step(List<Running> active) throws OrtException {
        List<KvBatch.Row> rows = active.stream().map(r -> r.cache).toList();
        KvBatch past = rows.get(0).batch();
        if (!past.isExactly(rows)) {
            past = model.gather(rows);
            open.add(past);
        }
        int[] tokens = active.stream().mapToInt(r -> r.decoding.lastToken()).toArray();
        long started = System.nanoTime();
        CausalLm.Step step = model.decode(past, tokens);
        long share = (System.nanoTime() - started) / tokens.length;
        KvBatch next = step.cache();
        open.add(next);
        batchSizes.accept(tokens.length);
        List<Running> finished = new ArrayList<>();
        List<Running> broken = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            Running r = active.get(i);
            r.cache = new KvBatch.Row(next, i);
            r.largestBatch = Math.max(r.largestBatch, tokens.length);
            r.deviceNanos += share;
            try {
                r.decoding.accept(step.logits(i, 0));
            } catch (RuntimeException e) {
                // one sequence's sampling or streaming failed: it alone leaves
                broken.add(r);
                tell(() -> r.job.caller().failed(e));
                continue;
            }
            if (r.decoding.finished()) {
                finished.add(r);
            }
        }
        running.removeAll(broken);
        running.removeAll(finished);
        finished.forEach(r -> tell(() -> r.job.caller().finished(r.decoding.result(), r.largestBatch, r.deviceNanos)));
    }

    /** Frees every cache no running sequence points into. */
    private void closeUnused() {
        for (Iterator<KvBatch> it = open.iterator(); it.hasNext(); ) {
            KvBatch cache = it.next();
            if (running.stream().noneMatch(r -> r.cache.batch() == cache)) {
                cache.close();
                it.remove();
            }
        }
    }

    /**
     * Stops: sequences still queued fail with {@link Closed} now, running ones after the step in progress (the
     * caller's answer is the drain's business: this only ends the work). Returns at once; see {@link #join}.
     */
    public void stop() {
        stopping = true;
        failQueued();
        wake();
    }

    /** Waits up to {@code millis} for the loop's thread to end; true once it has (no step runs any more). */
    public boolean join(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
        return !thread.isAlive();
    }

    private void failQueued() {
        List<Job> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(job -> tell(() -> job.caller().failed(new Closed())));
    }
}
