package dev.goldilocks.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.worker.generate.QueueTimeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A request that waited behind a busy model longer than the queue timeout is refused, not run late. */
class BatcherQueueTimeoutTest {

    private static final long TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private static final class Call implements Batcher.Caller<String> {
        final CompletableFuture<String> answer = new CompletableFuture<>();

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public void started(long startedNanos, int batchSize) {
        }

        @Override
        public void done(String value) {
            answer.complete(value);
        }

        @Override
        public void failed(Exception e) {
            answer.completeExceptionally(e);
        }
    }

    @Test
    void aRequestQueuedPastTheTimeoutIsRefusedAndTheNextOneInTimeRuns() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        try (Batcher<String, String> batcher = new Batcher<>("timeout", inputs -> {
            if (inputs.contains("first")) {
                firstRunning.countDown();
                releaseFirst.await();
            }
            return inputs.stream().map(String::toUpperCase).toList();
        }, 1, 0, TimeUnit.MICROSECONDS, 8, TIMEOUT_NANOS)) {
            Call first = new Call();
            assertThat(batcher.offer("first", first)).isTrue();
            assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
            Call late = new Call();
            long queued = System.nanoTime();
            assertThat(batcher.offer("late", late)).isTrue();
            while (System.nanoTime() - queued < 2 * TIMEOUT_NANOS) {
                Thread.onSpinWait(); // the event under test: the timeout passes while it waits
            }
            releaseFirst.countDown();

            assertThat(first.answer.get(10, TimeUnit.SECONDS)).isEqualTo("FIRST");
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> late.answer.get(10, TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOf(QueueTimeout.class).hasMessageStartingWith("waited");
            Call inTime = new Call();
            assertThat(batcher.offer("in time", inTime)).isTrue();
            assertThat(inTime.answer.get(10, TimeUnit.SECONDS)).as("an idle model serves at once").isEqualTo("IN TIME");
        }
    }
}
