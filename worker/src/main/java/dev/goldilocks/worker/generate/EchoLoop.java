package dev.goldilocks.worker.generate;

import static dev.goldilocks.worker.generate.Callbacks.tell;

import dev.goldilocks.worker.model.EchoModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * An echo model's generations: the same bounded queue and hand-off to a thread of the model's own as a causal
 * LM's {@link DecodeLoop} (so serving costs the same), and each request answered at once with all its tokens
 * in one piece of text. A request whose caller left, or that waited past the queue timeout, is refused as the
 * decode loop refuses it.
 */
public final class EchoLoop implements Generations {

    /** How often an idle thread looks whether it was stopped. */
    private static final long IDLE_POLL_MILLIS = 100;

    private final EchoModel model;
    private final IntConsumer batchSizes;
    private final long queueTimeoutNanos;
    private final BlockingQueue<DecodeLoop.Job> queue;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile int inFlight;

    /**
     * @param batchSizes        told 1 for every answered request (each is answered alone, in one step)
     * @param queueTimeoutNanos a request that waited longer is refused with {@link QueueTimeout} (0: none)
     */
    public EchoLoop(String name, EchoModel model, int maxQueue, IntConsumer batchSizes, long queueTimeoutNanos) {
        this.model = model;
        this.batchSizes = batchSizes;
        this.queueTimeoutNanos = queueTimeoutNanos;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, maxQueue));
        this.thread = new Thread(this::loop, "echo-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean offer(DecodeLoop.Job job) {
        if (stopping) {
            tell(() -> job.caller().failed(new DecodeLoop.Closed()));
            return true;
        }
        if (!queue.offer(job)) {
            return false;
        }
        // Stopping began while this job went in: answer it, unless the thread has taken it (then it is answered).
        if (stopping && queue.remove(job)) {
            tell(() -> job.caller().failed(new DecodeLoop.Closed()));
        }
        return true;
    }

    @Override
    public void wake() {
        // nothing waits for a reader: every answer is sent whole
    }

    @Override
    public int queueLength() {
        return queue.size();
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public int paused() {
        return 0;
    }

    private void loop() {
        List<DecodeLoop.Job> taken = new ArrayList<>();
        while (!stopping) {
            try {
                DecodeLoop.Job first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                queue.drainTo(taken);
                inFlight = taken.size();
                taken.forEach(this::answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                taken.clear();
                inFlight = 0;
            }
        }
        failQueued();
    }

    private void answer(DecodeLoop.Job job) {
        DecodeLoop.Caller caller = job.caller();
        if (caller.cancelled()) {
            tell(() -> caller.failed(new DecodeLoop.LeftQueue()));
            return;
        }
        long started = System.nanoTime();
        if (QueueTimeout.expired(job.queuedNanos(), started, queueTimeoutNanos)) {
            tell(() -> caller.failed(new QueueTimeout(started - job.queuedNanos(), queueTimeoutNanos)));
            return;
        }
        tell(() -> caller.started(started));
        GenerationResult result = model.generate(job.prompt(), job.settings(), System.nanoTime() - started);
        batchSizes.accept(1);
        try {
            job.listener().onText(result.text(), result.tokens());
        } catch (RuntimeException e) {
            tell(() -> caller.failed(e)); // its streaming failed, as a decode loop's sequence can
            return;
        }
        tell(() -> caller.finished(result, 1, System.nanoTime() - started));
    }

    @Override
    public void stop() {
        stopping = true;
        failQueued();
    }

    @Override
    public boolean join(long millis) throws InterruptedException {
        thread.join(Math.max(1, millis));
        return !thread.isAlive();
    }

    private void failQueued() {
        List<DecodeLoop.Job> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(job -> tell(() -> job.caller().failed(new DecodeLoop.Closed())));
    }
}
