package dev.goldilocks.worker.model;

import ai.onnxruntime.OrtProviderOptions;
import ai.onnxruntime.OrtSession;

/**
 * Session options for one model and the device they really place it on: "cuda:N" only when the CUDA
 * execution provider was added, "cpu" otherwise (a model configured for CUDA on a node without it
 * runs on the CPU, and Status and the benchmarks must say so). Both the options and the provider's
 * own options (null on the CPU) stay open while the session lives.
 */
public record Placement(OrtSession.SessionOptions options, String device, OrtProviderOptions provider)
        implements AutoCloseable {

    @Override
    public void close() {
        options.close();
        if (provider != null) {
            provider.close();
        }
    }
}
