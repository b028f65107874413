package dev.goldilocks.worker.config;

import java.nio.file.Path;

/**
 * One model hosted by a worker.
 *
 * @param name           the name clients use
 * @param kind           "causal-lm" (the only kind served so far)
 * @param path           folder with model.onnx, tokenizer.json and config.json
 * @param device         "cpu" or "cuda:N"
 * @param threads        ONNX Runtime intra-op threads for this model's session
 * @param maxConcurrent  sequences computed at once
 * @param maxQueue       requests allowed to wait; beyond it the worker answers RESOURCE_EXHAUSTED
 * @param maxNewTokens   upper bound of max_new_tokens for this model
 */
public record ModelConfig(String name, String kind, Path path, String device, int threads, int maxConcurrent,
                          int maxQueue, int maxNewTokens) {

    public static final String CAUSAL_LM = "causal-lm";
}
