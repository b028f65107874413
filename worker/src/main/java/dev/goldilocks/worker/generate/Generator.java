package dev.goldilocks.worker.generate;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.model.CausalLm;
import java.util.function.BooleanSupplier;

/**
 * Autoregressive decoding of one sequence alone with the KV cache: the prompt runs once, then each
 * step feeds only the newest token. Cancellation is checked before every step, so a caller that left
 * or ran past its deadline frees the model at the next token. (The worker batches concurrent
 * sequences with {@code DecodeLoop}; this is the reference path it is tested against.)
 */
public final class Generator {

    private final CausalLm model;

    public Generator(CausalLm model) {
        this.model = model;
    }

    public GenerationResult generate(int[] promptIds, GenerationSettings settings, GenerationListener listener,
                                     BooleanSupplier cancelled) throws OrtException {
        Decoding decoding = new Decoding(model, promptIds, settings, listener, System.nanoTime());
        CausalLm.Step step = null;
        try {
            int[] input = promptIds;
            while (!decoding.finished()) {
                if (cancelled.getAsBoolean()) {
                    throw new Cancelled();
                }
                CausalLm.Step next = model.forward(input, step);
                if (step != null) {
                    step.close();
                }
                step = next;
                decoding.accept(step.lastLogits());
                if (!decoding.finished()) {
                    input = new int[] {decoding.lastToken()};
                }
            }
        } finally {
            if (step != null) {
                step.close();
            }
        }
        return decoding.result();
    }
}
