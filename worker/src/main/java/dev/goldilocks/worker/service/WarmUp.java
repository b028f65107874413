package dev.goldilocks.worker.service;

import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.Generator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A few greedy tokens (or one embedding) before a model is reported ready, so the first client does not pay for lazy init. */
public final class WarmUp {

    private WarmUp() {
    }

    public static void run(HostedModel hosted) throws Exception {
        if (hosted.causalLm().isEmpty()) {
            embedOnce(hosted);
            return;
        }
        CausalLm model = hosted.causalLm().get();
        int[] prompt = model.tokenizer().encode("Hello");
        GenerationSettings settings = new GenerationSettings(4, 0f, 1f, 0, List.of(), 0L, false);
        new Generator(model).generate(prompt, settings, (text, tokens) -> { }, () -> false);
    }

    private static void embedOnce(HostedModel hosted) throws Exception {
        CompletableFuture<float[][]> done = new CompletableFuture<>();
        hosted.embeddings().orElseThrow().offer(List.of("Hello"), new Batcher.Caller<>() {
            @Override
            public boolean cancelled() {
                return false;
            }

            @Override
            public void started(long startedNanos, int batchSize) {
            }

            @Override
            public void done(float[][] answer) {
                done.complete(answer);
            }

            @Override
            public void failed(Exception e) {
                done.completeExceptionally(e);
            }
        });
        done.get(60, TimeUnit.SECONDS);
    }
}
