package dev.goldilocks.worker.service;

import ai.onnxruntime.OrtException;
import dev.goldilocks.common.embed.OnnxSentenceEncoder;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.generate.DecodeLoop;
import dev.goldilocks.worker.generate.GeneratedToken;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.ModelFiles;
import dev.goldilocks.worker.model.Placement;
import dev.goldilocks.worker.model.SessionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * One loaded model and its bounded work queues. A causal LM's generations join a continuous batch of at
 * most max_concurrent sequences and its Score requests run in dynamic batches of at most max_batch_size;
 * an encoder's Embed requests run in dynamic batches. At most max_queue of each wait; past a bound a
 * request is refused at once instead of queueing without limit.
 */
public final class HostedModel implements AutoCloseable {

    /** Texts longer than this are truncated, as sentence-transformers does for all-MiniLM-L6-v2. */
    static final int ENCODER_MAX_TOKENS = 256;

    private final ModelConfig config;
    private final Placement placement;
    private final CausalLm model;
    private final OnnxSentenceEncoder encoder;
    private final DecodeLoop generations;
    private final Batcher<Scorer.Pair, List<GeneratedToken>> scores;
    private final Batcher<List<String>, float[][]> embeddings;

    private HostedModel(ModelConfig config, Placement placement, CausalLm model, IntConsumer decodeBatchSizes) {
        this.config = config;
        this.placement = placement;
        this.model = model;
        this.encoder = null;
        this.generations = new DecodeLoop(config.name(), model, config.maxConcurrent(), config.maxQueue(),
                decodeBatchSizes, TimeUnit.MILLISECONDS.toNanos(config.queueTimeoutMillis()));
        this.scores = batcher("score", new Scorer(model)::score);
        this.embeddings = null;
    }

    private HostedModel(ModelConfig config, Placement placement, OnnxSentenceEncoder encoder) {
        this.config = config;
        this.placement = placement;
        this.model = null;
        this.encoder = encoder;
        this.generations = null;
        this.scores = null;
        this.embeddings = batcher("embed", this::embedBatch);
    }

    private <I, O> Batcher<I, O> batcher(String rpc, Batcher.BatchFunction<I, O> function) {
        return new Batcher<>(config.name() + "-" + rpc, function, config.maxBatchSize(),
                config.maxQueueDelayMicros(), TimeUnit.MICROSECONDS, config.maxQueue(),
                TimeUnit.MILLISECONDS.toNanos(config.queueTimeoutMillis()));
    }

    /** @param decodeBatchSizes told the number of sequences in every decoding step */
    public static HostedModel load(ModelConfig config, IntConsumer decodeBatchSizes) throws IOException, OrtException {
        Placement placement = SessionFactory.place(config);
        try {
            if (config.kind().equals(ModelConfig.ENCODER)) {
                try (InputStream onnx = ModelFiles.open(config.modelFile());
                     InputStream tokenizer = ModelFiles.open(config.tokenizerFile())) {
                    return new HostedModel(config, placement,
                            OnnxSentenceEncoder.load(onnx, tokenizer, ENCODER_MAX_TOKENS, placement.options()));
                }
            }
            return new HostedModel(config, placement,
                    CausalLm.load(config.name(), config.path(), SessionFactory.environment(), placement.options()),
                    decodeBatchSizes);
        } catch (IOException | OrtException | RuntimeException e) {
            placement.close();
            throw e;
        }
    }

    /** Every request's texts in one encoder batch, split back per request. */
    private List<float[][]> embedBatch(List<List<String>> requests) throws OrtException {
        List<String> texts = new ArrayList<>();
        requests.forEach(texts::addAll);
        float[][] all = encoder.embed(texts);
        List<float[][]> out = new ArrayList<>(requests.size());
        int from = 0;
        for (List<String> request : requests) {
            out.add(Arrays.copyOfRange(all, from, from + request.size()));
            from += request.size();
        }
        return out;
    }

    public ModelConfig config() {
        return config;
    }

    /** The device the model really runs on: cpu where its configured CUDA device is missing. */
    public String device() {
        return placement.device();
    }

    /** The causal LM, unless this is an encoder. */
    public Optional<CausalLm> causalLm() {
        return Optional.ofNullable(model);
    }

    /** Generation requests, batched continuously (causal LMs only). */
    public DecodeLoop generations() {
        return generations;
    }

    /** Score requests, batched dynamically (causal LMs only). */
    public Batcher<Scorer.Pair, List<GeneratedToken>> scores() {
        return scores;
    }

    /** Embed requests, batched dynamically (encoders only). */
    public Optional<Batcher<List<String>, float[][]>> embeddings() {
        return Optional.ofNullable(embeddings);
    }

    /** Tokens the model reads at most: a causal LM's context, an encoder's truncation length. */
    public int contextTokens() {
        return model != null ? model.contextTokens() : encoder.maxTokens();
    }

    public int queueLength() {
        return model != null ? generations.queueLength() + scores.queueLength() : embeddings.queueLength();
    }

    public int inFlight() {
        return model != null ? generations.inFlight() + scores.inFlight() : embeddings.inFlight();
    }

    /** Stops taking work and waits for what is running or queued. */
    public void drain(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (model == null) {
            embeddings.drain(timeout, unit);
            return;
        }
        scores.drain(timeout, unit);
        generations.drain(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Closes the session only once no thread runs it: closing a session mid-run would crash natively. */
    @Override
    public void close() throws OrtException {
        try {
            if (model != null) {
                scores.close();
                generations.close();
            } else {
                embeddings.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (model != null) {
            model.close();
        } else {
            encoder.close();
        }
        placement.close();
    }
}
