package dev.goldilocks.worker.service;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.generate.DecodeLoop;
import dev.goldilocks.worker.generate.GeneratedToken;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.SessionFactory;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * One loaded model and its bounded work queues: generations join a continuous batch of at most
 * max_concurrent sequences, Score requests run in dynamic batches of at most max_batch_size, and at
 * most max_queue of each wait. Past a bound a request is refused at once instead of queueing without
 * limit.
 */
public final class HostedModel implements AutoCloseable {

    private final ModelConfig config;
    private final OrtSession.SessionOptions options;
    private final CausalLm model;
    private final DecodeLoop generations;
    private final Batcher<Scorer.Pair, List<GeneratedToken>> scores;

    private HostedModel(ModelConfig config, OrtSession.SessionOptions options, CausalLm model,
                        IntConsumer decodeBatchSizes) {
        this.config = config;
        this.options = options;
        this.model = model;
        this.generations = new DecodeLoop(config.name(), model, config.maxConcurrent(), config.maxQueue(),
                decodeBatchSizes);
        Scorer scorer = new Scorer(model);
        this.scores = new Batcher<>(config.name() + "-score", scorer::score, config.maxBatchSize(),
                config.maxQueueDelayMicros(), TimeUnit.MICROSECONDS, config.maxQueue());
    }

    /** @param decodeBatchSizes told the number of sequences in every decoding step */
    public static HostedModel load(ModelConfig config, IntConsumer decodeBatchSizes) throws IOException, OrtException {
        OrtSession.SessionOptions options = SessionFactory.options(config);
        try {
            return new HostedModel(config, options,
                    CausalLm.load(config.name(), config.path(), SessionFactory.environment(), options),
                    decodeBatchSizes);
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

    /** Generation requests, batched continuously. */
    public DecodeLoop generations() {
        return generations;
    }

    /** Score requests, batched dynamically. */
    public Batcher<Scorer.Pair, List<GeneratedToken>> scores() {
        return scores;
    }

    public int queueLength() {
        return generations.queueLength() + scores.queueLength();
    }

    public int inFlight() {
        return generations.inFlight() + scores.inFlight();
    }

    /** Stops taking work and waits for what is running or queued. */
    public void drain(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        scores.drain(timeout, unit);
        generations.drain(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Closes the session only once no thread runs it: closing a session mid-run would crash natively. */
    @Override
    public void close() throws OrtException {
        try {
            scores.close();
            generations.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        model.close();
        options.close();
    }
}
