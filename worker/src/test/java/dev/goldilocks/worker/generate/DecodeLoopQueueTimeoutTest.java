package dev.goldilocks.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import dev.goldilocks.worker.DemoModels;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.SessionFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** A sequence that waited in the decode queue past the model's queue timeout is refused, not served late. */
class DecodeLoopQueueTimeoutTest {

    private static final long TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final GenerationSettings SHORT = new GenerationSettings(4, 0f, 1f, 0, List.of(), 1, false);

    /** One request's side; {@code hold} keeps the loop's thread in {@link #started} until it opens. */
    private static final class Call implements DecodeLoop.Caller {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch hold;
        final CompletableFuture<GenerationResult> result = new CompletableFuture<>();

        Call(CountDownLatch hold) {
            this.hold = hold;
        }

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public void started(long startedNanos) {
            running.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void finished(GenerationResult r, int largestBatch, long deviceNanos) {
            result.complete(r);
        }

        @Override
        public void failed(Exception e) {
            result.completeExceptionally(e);
        }
    }

    @Test
    void aSequenceQueuedPastTheTimeoutIsRefusedAndTheNextOneInTimeRuns() throws Exception {
        String name = "math-specialist";
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             CausalLm model = CausalLm.load(name, DemoModels.dir().resolve(name), SessionFactory.environment(), options)) {
            DecodeLoop loop = new DecodeLoop(name, model, 1, 8, size -> { }, TIMEOUT_NANOS);
            try {
            int[] prompt = model.tokenizer().encode("What is 2 + 2?");
            CountDownLatch release = new CountDownLatch(1);
            Call first = new Call(release);
            assertThat(loop.offer(new DecodeLoop.Job(prompt, SHORT, (text, tokens) -> { }, first))).isTrue();
            assertThat(first.running.await(10, TimeUnit.SECONDS)).isTrue(); // the loop's thread is held

            Call late = new Call(new CountDownLatch(0));
            long queued = System.nanoTime();
            assertThat(loop.offer(new DecodeLoop.Job(prompt, SHORT, (text, tokens) -> { }, late))).isTrue();
            while (System.nanoTime() - queued < 2 * TIMEOUT_NANOS) {
                Thread.onSpinWait(); // the event under test: the timeout passes while it waits
            }
            release.countDown();

            assertThat(first.result.get(30, TimeUnit.SECONDS).tokens()).isNotEmpty();
            ExecutionException refused = Assertions.assertThrows(ExecutionException.class,
                    () -> late.result.get(30, TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOf(QueueTimeout.class).hasMessageStartingWith("waited");
            Call inTime = new Call(new CountDownLatch(0));
            assertThat(loop.offer(new DecodeLoop.Job(prompt, SHORT, (text, tokens) -> { }, inTime))).isTrue();
            assertThat(inTime.result.get(30, TimeUnit.SECONDS).tokens()).as("an idle model serves at once").isNotEmpty();
            } finally {
                loop.stop();
                assertThat(loop.join(30_000)).as("the loop's thread ended before the model closes").isTrue();
            }
        }
    }
}
