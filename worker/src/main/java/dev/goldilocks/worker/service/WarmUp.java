package dev.goldilocks.worker.service;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.Generator;
import java.util.List;

/** A few greedy tokens before a model is reported ready, so the first client does not pay for lazy init. */
public final class WarmUp {

    private WarmUp() {
    }

    public static void run(HostedModel hosted) throws OrtException {
        int[] prompt = hosted.model().tokenizer().encode("Hello");
        GenerationSettings settings = new GenerationSettings(4, 0f, 1f, 0, List.of(), 0L, false);
        new Generator(hosted.model()).generate(prompt, settings, (text, tokens) -> { }, () -> false);
    }
}
