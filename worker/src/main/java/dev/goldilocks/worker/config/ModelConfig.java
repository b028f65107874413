package dev.goldilocks.worker.config;

import java.nio.file.Path;

/**
 * One model hosted by a worker.
 *
 * @param name           the name clients use
 * @param kind           "causal-lm" (Generate, Score), "encoder" (Embed) or "echo" (Generate, Score; computes
 *                       nothing: for measuring the serving path, see {@link dev.goldilocks.worker.model.EchoModel})
 * @param path           folder with model.onnx, tokenizer.json and (causal-lm) config.json
 * @param device         "cpu" or "cuda:N"
 * @param threads        ONNX Runtime intra-op threads for this model's session
 * @param maxConcurrent  sequences decoding together in the continuous batch
 * @param maxQueue       requests allowed to wait; beyond it the worker answers RESOURCE_EXHAUSTED
 * @param maxNewTokens   upper bound of max_new_tokens for this model
 * @param maxBatchSize   Score or Embed requests run together in one batch at most
 * @param maxQueueDelayMicros the longest a Score or Embed request is held back, from its arrival, for others to join its batch
 * @param modelFile      the ONNX file: a path, or classpath:/name for one shipped in a Maven artifact
 * @param tokenizerFile  the tokenizer.json, likewise
 * @param info           role, domain and price, reported to gateways
 * @param cuda           the CUDA arena settings (used on cuda:N only)
 * @param queueTimeoutMillis a request that waited longer in a queue is refused (QUEUE_TIMEOUT) rather than
 *                       served late; 0: no timeout (as Triton's default queue policy)
 * @param contextTokens  an echo model's context window in tokens (UTF-8 bytes); 0 for the other kinds, whose
 *                       context comes from their files
 */
public record ModelConfig(String name, String kind, Path path, String device, int threads, int maxConcurrent,
                          int maxQueue, int maxNewTokens, int maxBatchSize, int maxQueueDelayMicros,
                          String modelFile, String tokenizerFile, ModelInfo info, CudaSettings cuda,
                          int queueTimeoutMillis, int contextTokens) {

    public static final String CAUSAL_LM = "causal-lm";
    public static final String ENCODER = "encoder";
    public static final String ECHO = "echo";
    /** An echo model's context window unless configured. */
    public static final int DEFAULT_ECHO_CONTEXT_TOKENS = 4096;
    /** Prefix of a model file shipped inside a Maven artifact rather than on disk. */
    public static final String CLASSPATH = "classpath:";
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;
    public static final int DEFAULT_MAX_QUEUE_DELAY_MICROS = 2000;

    /** A model whose context comes from its files. */
    public ModelConfig(String name, String kind, Path path, String device, int threads, int maxConcurrent,
                       int maxQueue, int maxNewTokens, int maxBatchSize, int maxQueueDelayMicros,
                       String modelFile, String tokenizerFile, ModelInfo info, CudaSettings cuda,
                       int queueTimeoutMillis) {
        this(name, kind, path, device, threads, maxConcurrent, maxQueue, maxNewTokens, maxBatchSize,
                maxQueueDelayMicros, modelFile, tokenizerFile, info, cuda, queueTimeoutMillis, 0);
    }

    /**
     * An echo model (no files, no ONNX Runtime) holding at most {@code maxQueue} waiting requests, answering
     * Score requests without holding them back for a batch.
     */
    public static ModelConfig echo(String name, int contextTokens, int maxQueue, int maxNewTokens, ModelInfo info) {
        return new ModelConfig(name, ECHO, Path.of("."), "cpu", 1, 1, maxQueue, maxNewTokens, DEFAULT_MAX_BATCH_SIZE,
                0, "", "", info, CudaSettings.DEFAULT, 0, contextTokens);
    }

    /** A model without a queue timeout. */
    public ModelConfig(String name, String kind, Path path, String device, int threads, int maxConcurrent,
                       int maxQueue, int maxNewTokens, int maxBatchSize, int maxQueueDelayMicros,
                       String modelFile, String tokenizerFile, ModelInfo info, CudaSettings cuda) {
        this(name, kind, path, device, threads, maxConcurrent, maxQueue, maxNewTokens, maxBatchSize,
                maxQueueDelayMicros, modelFile, tokenizerFile, info, cuda, 0);
    }

    /** The same model with a queue timeout. */
    public ModelConfig withQueueTimeoutMillis(int millis) {
        return new ModelConfig(name, kind, path, device, threads, maxConcurrent, maxQueue, maxNewTokens, maxBatchSize,
                maxQueueDelayMicros, modelFile, tokenizerFile, info, cuda, millis, contextTokens);
    }

    /** A model with the default batching settings. */
    public ModelConfig(String name, String kind, Path path, String device, int threads, int maxConcurrent,
                       int maxQueue, int maxNewTokens) {
        this(name, kind, path, device, threads, maxConcurrent, maxQueue, maxNewTokens, DEFAULT_MAX_BATCH_SIZE,
                DEFAULT_MAX_QUEUE_DELAY_MICROS, path.resolve("model.onnx").toString(),
                path.resolve("tokenizer.json").toString(), ModelInfo.UNSPECIFIED, CudaSettings.DEFAULT);
    }
}
