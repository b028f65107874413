package dev.goldilocks.worker.service;

import ai.onnxruntime.OrtException;
import dev.goldilocks.common.embed.OnnxSentenceEncoder;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.generate.DecodeLoop;
import dev.goldilocks.worker.generate.EchoLoop;
import dev.goldilocks.worker.generate.GeneratedToken;
import dev.goldilocks.worker.generate.Generations;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.EchoModel;
import dev.goldilocks.worker.model.GenerativeModel;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model and its bounded work queues. A causal LM's generations join a continuous batch of at
 * most max_concurrent sequences and its Score requests run in dynamic batches of at most max_batch_size;
 * an encoder's Embed requests run in dynamic batches; an echo model's generations and scores go through
 * the same kind of queues and threads, and are answered without computing anything. At most max_queue of
 * each wait; past a bound a request is refused at once instead of queueing without limit.
 */
public final class HostedModel implements AutoCloseable {

    /** Texts longer than this are truncated, as sentence-transformers does for all-MiniLM-L6-v2. */
    static final int ENCODER_MAX_TOKENS = 256;
    /** How long a stopped model's threads may take to finish their step or batch. */
    private static final long STOP_MILLIS = 10_000;
    /** How long they may take to end once their run was told to terminate. */
    private static final long TERMINATE_MILLIS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(HostedModel.class);

    private final ModelConfig config;
    /** Where the ONNX session runs; null for an echo model, which has none. */
    private final Placement placement;
    private final CausalLm model;
    private final EchoModel echo;
    private final OnnxSentenceEncoder encoder;
    /** Generate and Score requests (null for an encoder). */
    private final Generations generations;
    private final Batcher<Scorer.Pair, List<GeneratedToken>> scores;
    private final Batcher<List<String>, float[][]> embeddings;

    private HostedModel(ModelConfig config, Placement placement, CausalLm model, IntConsumer decodeBatchSizes) {
        this.config = config;
        this.placement = placement;
        this.model = model;
        this.echo = null;
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
        this.echo = null;
        this.encoder = encoder;
        this.generations = null;
        this.scores = null;
        this.embeddings = batcher("embed", this::embedBatch);
    }

    private HostedModel(ModelConfig config, EchoModel echo, IntConsumer decodeBatchSizes) {
        this.config = config;
        this.placement = null;
        this.model = null;
        this.echo = echo;
        this.encoder = null;
        this.generations = new EchoLoop(config.name(), echo, config.maxQueue(), decodeBatchSizes,
                TimeUnit.MILLISECONDS.toNanos(config.queueTimeoutMillis()));
        this.scores = batcher("score", echo::score);
        this.embeddings = null;
    }

    private <I, O> Batcher<I, O> batcher(String rpc, Batcher.BatchFunction<I, O> function) {
        return new Batcher<>(config.name() + "-" + rpc, function, config.maxBatchSize(),
                config.maxQueueDelayMicros(), TimeUnit.MICROSECONDS, config.maxQueue(),
                TimeUnit.MILLISECONDS.toNanos(config.queueTimeoutMillis()));
    }

    /** @param decodeBatchSizes told the number of sequences in every decoding step */
    public static HostedModel load(ModelConfig config, IntConsumer decodeBatchSizes) throws IOException, OrtException {
        if (config.kind().equals(ModelConfig.ECHO)) {
            return new HostedModel(config, new EchoModel(config.contextTokens()), decodeBatchSizes);
        }
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

    /** The device the model really runs on: cpu where its configured CUDA device is missing (an echo model: cpu). */
    public String device() {
        return placement == null ? "cpu" : placement.device();
    }

    /** The causal LM or echo model that Generate and Score run on; empty for an encoder. */
    public Optional<GenerativeModel> generative() {
        return model != null ? Optional.of(model) : Optional.ofNullable(echo);
    }

    /** Generation requests: a causal LM's continuous batch, or an echo model's answers (not for encoders). */
    public Generations generations() {
        return generations;
    }

    /** Score requests, batched dynamically (not for encoders). */
    public Batcher<Scorer.Pair, List<GeneratedToken>> scores() {
        return scores;
    }

    /** Embed requests, batched dynamically (encoders only). */
    public Optional<Batcher<List<String>, float[][]>> embeddings() {
        return Optional.ofNullable(embeddings);
    }

    /** Tokens the model reads at most: a causal LM's or echo model's context, an encoder's truncation length. */
    public int contextTokens() {
        return encoder == null ? generative().orElseThrow().contextTokens() : encoder.maxTokens();
    }

    public int queueLength() {
        return generations != null ? generations.queueLength() + scores.queueLength() : embeddings.queueLength();
    }

    public int inFlight() {
        return generations != null ? generations.inFlight() + scores.inFlight() : embeddings.inFlight();
    }

    /** Running sequences sitting out decoding steps because their client is not reading (causal LMs). */
    public int paused() {
        return generations != null ? generations.paused() : 0;
    }

    /**
     * Stops taking work and ends what is left: queued requests fail with SHUTTING_DOWN now, running sequences
     * after their step in progress, and a running Score or Embed batch finishes. Returns at once.
     */
    public void stop() {
        if (generations != null) {
            scores.stop();
            generations.stop();
        } else {
            embeddings.stop();
        }
    }

    /**
     * Stops, waits for every thread that runs the model to end, and only then closes its session: closing a
     * session under a running step crashed the process natively. A run that does not end in time is told to
     * terminate (ONNX Runtime's terminate flag); a thread that still does not end keeps its session, which is
     * then left open (logged) rather than closed under it. Uninterruptible: it must not skip the wait.
     */
    @Override
    public void close() throws OrtException {
        stop();
        boolean ended = threadsEnded(STOP_MILLIS);
        if (!ended && model != null) {
            LOG.warn("model {}: still running {} ms after the drain stopped it; terminating its ONNX Runtime run",
                    config.name(), STOP_MILLIS);
            model.terminate();
            ended = threadsEnded(TERMINATE_MILLIS);
        }
        if (!ended) {
            LOG.error("model {}: a thread still runs the model; its ONNX session is left open, not closed under it",
                    config.name());
            return;
        }
        if (model != null) {
            model.close();
        } else if (encoder != null) {
            encoder.close();
        }
        if (placement != null) {
            placement.close();
        }
    }

    /** Whether the model's threads ended within {@code millis}, waiting even if interrupted. */
    private boolean threadsEnded(long millis) {
        List<Joinable> threads = generations != null ? List.of(scores::join, generations::join)
                : List.of(embeddings::join);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean interrupted = false;
        boolean ended = true;
        for (Joinable thread : threads) {
            while (true) {
                try {
                    ended &= thread.join(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ended;
    }

    /** A thread that runs the model: a decode loop or a batcher. */
    private interface Joinable {
        boolean join(long millis) throws InterruptedException;
    }
}
