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
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Continuous (iteration-level) batching of generation for one model, as vLLM and TGI do: one thread
 * runs every decoding step for all running sequences as one batch, each row with its own cache
 * length. Between steps a waiting sequence joins (its prompt runs first, alone) and a finished,
 * cancelled or expired one leaves and its cache is freed. At most max_sequences run; at most
 * max_queue wait, and {@link #offer} refuses at once past that.
 */
public final class DecodeLoop implements AutoCloseable {

    /** Waiting sequences join a running batch at most this often: a join copies the batch's cache. */
    private static final int JOIN_EVERY_STEPS = 4;

    /** The side of one request: whether it left, and how it ended. */
    public interface Caller {
        boolean cancelled();

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

    /** Told to a caller still queued when the loop closed. */
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
    private int stepsSinceJoin;
    private volatile boolean accepting = true;
    private volatile boolean closing;
    private volatile int inFlight;

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

    /** Queues a sequence; false when the queue is full or the loop is closing. */
    public boolean offer(Job job) {
        if (!accepting || !queue.offer(job)) {
            return false;
        }
        // Closing began while this job went in: take it back, unless the loop has taken it (then it runs).
        return accepting || !queue.remove(job);
    }

    public int queueLength() {
        return queue.size();
    }

    /** Sequences decoding now. */
    public int inFlight() {
        return inFlight;
    }

    private void loop() {
        while (!closing && (accepting || !queue.isEmpty() || !running.isEmpty())) {
            try {
                admit();
                leaveIfCancelled();
                if (!running.isEmpty()) {
                    step();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (OrtException | RuntimeException | Error e) {
                // The batch's step failed: every sequence in it fails, the loop goes on with new ones.
                Exception cause = e instanceof Exception ex ? ex : new IllegalStateException(e);
                running.forEach(r -> tell(() -> r.job.caller().failed(cause)));
                running.clear();
            }
            inFlight = running.size();
            closeUnused();
        }
        running.forEach(r -> tell(() -> r.job.caller().failed(new Closed())));
        running.clear();
        closeUnused();
    }

    /** Takes waiting sequences while there is room, and runs each one's prompt. */
    private void admit() throws InterruptedException {
        // A join copies the batch's cache into a new one, so waiting sequences join in groups: at once when
        // nothing runs or they would fill the free rows, otherwise every JOIN_EVERY_STEPS steps.
        int free = maxSequences - running.size();
        if (!running.isEmpty() && queue.size() < free && ++stepsSinceJoin < JOIN_EVERY_STEPS) {
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
                tell(() -> job.caller().failed(e)); // this prompt failed; the running sequences are not affected
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

    /** One decoding step for every running sequence; the finished ones leave. */
    private void step() throws OrtException {
        List<KvBatch.Row> rows = running.stream().map(r -> r.cache).toList();
        KvBatch past = rows.get(0).batch();
        if (!past.isExactly(rows)) {
            past = model.gather(rows);
            open.add(past);
        }
        int[] tokens = running.stream().mapToInt(r -> r.decoding.lastToken()).toArray();
        long started = System.nanoTime();
        CausalLm.Step step = model.decode(past, tokens);
        long share = (System.nanoTime() - started) / tokens.length;
        KvBatch next = step.cache();
        open.add(next);
        batchSizes.accept(tokens.length);
        List<Running> finished = new ArrayList<>();
        List<Running> broken = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            Running r = running.get(i);
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

    /** Stops taking sequences; those queued and running finish, up to the timeout. */
    public void drain(long timeout, TimeUnit unit) throws InterruptedException {
        accepting = false;
        thread.join(Math.max(1, unit.toMillis(timeout)));
    }

    /**
     * Stops taking sequences and fails those still queued (none is dropped unanswered); running ones end
     * with {@link Closed} after the step in progress. Waits up to 10 s so that the model is not closed under a step.
     */
    @Override
    public void close() throws InterruptedException {
        accepting = false;
        closing = true; // running sequences stop at the next step, not when they finish
        List<Job> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(job -> tell(() -> job.caller().failed(new Closed())));
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
