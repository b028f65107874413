package dev.goldilocks.worker.service;

import dev.goldilocks.worker.generate.DecodeLoop;
import dev.goldilocks.worker.generate.GenerationResult;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.GenerativeModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A few greedy tokens and a score (or one embedding) before a model is reported ready, so the first client
 * does not pay for lazy initialization. They run on the model's own decode loop and batchers, the threads
 * that serve clients, so that no other thread ever runs the model.
 */
public final class WarmUp {

    private static final long TIMEOUT_SECONDS = 60;

    private WarmUp() {
    }

    public static void run(HostedModel hosted) throws Exception {
        if (hosted.generative().isEmpty()) {
            offer(hosted.embeddings().orElseThrow(), List.of("Hello"));
            return;
        }
        GenerativeModel model = hosted.generative().get();
        int[] prompt = model.encode("Hello");
        GenerationSettings settings = new GenerationSettings(4, 0f, 1f, 0, List.of(), 0L, false);
        CompletableFuture<GenerationResult> generated = new CompletableFuture<>();
        boolean queued = hosted.generations().offer(new DecodeLoop.Job(prompt, settings, (text, tokens) -> { },
                new DecodeLoop.Caller() {
                    @Override
                    public boolean cancelled() {
                        return false;
                    }

                    @Override
                    public void started(long startedNanos) {
                    }

                    @Override
                    public void finished(GenerationResult result, int largestBatch, long deviceNanos) {
                        generated.complete(result);
                    }

                    @Override
                    public void failed(Exception e) {
                        generated.completeExceptionally(e);
                    }
                }));
        if (!queued) {
            throw new IllegalStateException("warm-up: the generation queue refused it");
        }
        generated.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        int[] continuation = model.encode(" world");
        offer(hosted.scores(), new Scorer.Pair(prompt, continuation));
    }

    private static <I, O> O offer(Batcher<I, O> batcher, I input) throws Exception {
        CompletableFuture<O> done = new CompletableFuture<>();
        boolean queued = batcher.offer(input, new Batcher.Caller<>() {
            @Override
            public boolean cancelled() {
                return false;
            }

            @Override
            public void started(long startedNanos, int batchSize) {
            }

            @Override
            public void done(O answer) {
                done.complete(answer);
            }

            @Override
            public void failed(Exception e) {
                done.completeExceptionally(e);
            }
        });
        if (!queued) {
            throw new IllegalStateException("warm-up: the batch queue refused it");
        }
        return done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
