package dev.goldilocks.worker.service;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.SessionFactory;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model and its bounded work queue: at most max_concurrent requests compute at once and
 * at most max_queue wait; past that a request is refused at once instead of queueing without limit.
 */
public final class HostedModel implements AutoCloseable {

    private final ModelConfig config;
    private final OrtSession.SessionOptions options;
    private final CausalLm model;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger inFlight = new AtomicInteger();

    private HostedModel(ModelConfig config, OrtSession.SessionOptions options, CausalLm model) {
        this.config = config;
        this.options = options;
        this.model = model;
        BlockingQueue<Runnable> queue = config.maxQueue() == 0
                ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(config.maxQueue());
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(config.maxConcurrent(), config.maxConcurrent(), 0, TimeUnit.SECONDS,
                queue, r -> {
                    Thread t = new Thread(r, "model-" + config.name() + "-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    public static HostedModel load(ModelConfig config) throws IOException, OrtException {
        OrtSession.SessionOptions options = SessionFactory.options(config);
        try {
            return new HostedModel(config, options,
                    CausalLm.load(config.name(), config.path(), SessionFactory.environment(), options));
        } catch (IOException | OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public CausalLm model() {
        return model;
    }

    /**
     * Queues {@code work}; returns false when the queue is full.
     */
    public boolean trySubmit(Runnable work) {
        try {
            executor.execute(() -> {
                inFlight.incrementAndGet();
                try {
                    work.run();
                } finally {
                    inFlight.decrementAndGet();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    public int queueLength() {
        return executor.getQueue().size();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Stops taking work and waits for what is running or queued. */
    public void drain(long timeout, TimeUnit unit) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(timeout, unit)) {
            executor.shutdownNow();
        }
    }

    /** Closes the session only once no thread runs it: closing a session mid-run would crash natively. */
    @Override
    public void close() throws OrtException {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("model " + config.name() + " still computing after 10 s; not closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        model.close();
        options.close();
    }
}
