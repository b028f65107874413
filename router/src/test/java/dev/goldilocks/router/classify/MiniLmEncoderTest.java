package dev.goldilocks.router.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The router's encoder, tuned for latency, gives the embeddings the straightforward encoder gave
 * ({@link ReferenceSentenceEncoder}) within float rounding: one prompt at a time and in padded batches,
 * on the held-out routing prompts, long ones (truncated) included.
 */
class MiniLmEncoderTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static final float TOLERANCE = 1e-5f;

    @Test
    void embeddingsAreThoseOfTheStraightforwardEncoder() throws Exception {
        int maxTokens = ClassifierFile.encoderMaxTokens(MODELS.resolve("router/domain-classifier.json"));
        List<String> prompts = new ArrayList<>(LabelledPrompt.read(MODELS.resolve("routing/test.jsonl")).stream()
                .map(LabelledPrompt::prompt).limit(60).toList());
        prompts.add(String.join(" ", prompts)); // far past the token limit: truncated alike
        prompts.add("");
        try (MiniLmEncoder encoder = MiniLmEncoder.load(2, maxTokens);
             ReferenceSentenceEncoder reference = new ReferenceSentenceEncoder(maxTokens)) {
            for (String prompt : prompts) {
                assertClose(encoder.embed(List.of(prompt)), reference.embed(List.of(prompt)), prompt);
            }
            for (int i = 0; i < prompts.size(); i += 16) {
                List<String> batch = prompts.subList(i, Math.min(prompts.size(), i + 16));
                assertClose(encoder.embed(batch), reference.embed(batch), "batch from " + i);
            }
        }
    }

    /**
     * The router classifies on request and probe threads that may still run while the gateway closes; closing
     * the native session under a run crashed the JVM. Close waits for the runs in progress; later ones are refused.
     */
    @Test
    void closingWhileRunsAreInProgressWaitsForThemAndRefusesLaterOnes() throws Exception {
        MiniLmEncoder encoder = MiniLmEncoder.load(1, 128);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch running = new CountDownLatch(2);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(threads.submit(() -> {
                int done = 0;
                while (true) {
                    try {
                        encoder.embed(List.of("SELECT name FROM users WHERE id = 42; why is this slow?"));
                        done++;
                        running.countDown();
                    } catch (IllegalStateException closed) {
                        return done;
                    }
                }
            }));
        }
        try {
            assertThat(running.await(60, TimeUnit.SECONDS)).as("both threads are embedding").isTrue();
            encoder.close();
            for (Future<Integer> run : runs) {
                assertThat(run.get(60, TimeUnit.SECONDS)).as("each ran, then was refused once closed").isPositive();
            }
            assertThatThrownBy(() -> encoder.embed(List.of("after close"))).isInstanceOf(IllegalStateException.class);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void assertClose(float[][] got, float[][] want, String what) {
        assertThat(got.length).isEqualTo(want.length);
        for (int b = 0; b < want.length; b++) {
            assertThat(got[b]).as(what).hasSize(384);
            for (int d = 0; d < want[b].length; d++) {
                assertThat(Math.abs(got[b][d] - want[b][d])).as("%s [%d][%d]", what, b, d).isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }
}
