package dev.goldilocks.worker.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.worker.generate.QueueTimeout;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The queue delay and queue timeout as Triton defines them: how long a request is held back for others to
 * join it, and how long it may wait at all.
 */
class BatcherTest {

    private static final long DELAY_MILLIS = 500;

    /** One request's side: when its batch started, with how many rows, and its answer. */
    private static final class Call implements Batcher.Caller<String> {
        final long queuedNanos = System.nanoTime();
        final CompletableFuture<Long> started = new CompletableFuture<>();
        final CompletableFuture<Integer> batchSize = new CompletableFuture<>();
        final CompletableFuture<String> answer = new CompletableFuture<>();

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public void started(long startedNanos, int size) {
            started.complete(startedNanos);
            batchSize.complete(size);
        }

        @Override
        public void done(String value) {
            answer.complete(value);
        }

        @Override
        public void failed(Exception e) {
            answer.completeExceptionally(e);
        }

        long waitedMillis() throws Exception {
            return TimeUnit.NANOSECONDS.toMillis(started.get(5, TimeUnit.SECONDS) - queuedNanos);
        }
    }

    @Test
    void aLoneRequestWaitsTheDelayButRequestsQueuedBehindABusyModelRunAsSoonAsItIsFree() throws Exception {
        CountDownLatch firstBatchRunning = new CountDownLatch(1);
        CountDownLatch releaseFirstBatch = new CountDownLatch(1);
        try (Batcher<String, String> batcher = new Batcher<>("test", inputs -> {
            if (inputs.contains("first")) {
                firstBatchRunning.countDown();
                releaseFirstBatch.await();
            }
            return inputs.stream().map(String::toUpperCase).toList();
        }, 8, DELAY_MILLIS, TimeUnit.MILLISECONDS, 16)) {
            Call first = new Call();
            assertThat(batcher.offer("first", first)).isTrue();
            assertThat(firstBatchRunning.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(first.waitedMillis()).as("an idle model holds a lone request open for companions")
                    .isGreaterThanOrEqualTo(DELAY_MILLIS - 50);

            Call second = new Call();
            Call third = new Call();
            assertThat(batcher.offer("second", second)).isTrue();
            assertThat(batcher.offer("third", third)).isTrue();
            Thread.sleep(DELAY_MILLIS + 100); // both have waited longer than the delay behind the busy model
            long released = System.nanoTime();
            releaseFirstBatch.countDown();

            assertThat(first.answer.get(5, TimeUnit.SECONDS)).isEqualTo("FIRST");
            assertThat(List.of(second.answer.get(5, TimeUnit.SECONDS), third.answer.get(5, TimeUnit.SECONDS)))
                    .containsExactly("SECOND", "THIRD");
            assertThat(second.batchSize.get()).as("requests queued together run together").isEqualTo(2);
            assertThat(TimeUnit.NANOSECONDS.toMillis(second.started.get() - released))
                    .as("requests that already waited out the delay are not held back again")
                    .isLessThan(DELAY_MILLIS / 2);
        }
    }

    @Test
    void aRequestQueuedPastTheQueueTimeoutIsRefusedAndTheNextOneInTimeRuns() throws Exception {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(300);
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        try (Batcher<String, String> batcher = new Batcher<>("timeout", inputs -> {
            if (inputs.contains("first")) {
                firstRunning.countDown();
                releaseFirst.await();
            }
            return inputs.stream().map(String::toUpperCase).toList();
        }, 1, 0, TimeUnit.MICROSECONDS, 8, timeoutNanos)) {
            Call first = new Call();
            assertThat(batcher.offer("first", first)).isTrue();
            assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
            Call late = new Call();
            assertThat(batcher.offer("late", late)).isTrue();
            while (System.nanoTime() - late.queuedNanos < 2 * timeoutNanos) {
                Thread.onSpinWait(); // the event under test: the timeout passes while it waits
            }
            releaseFirst.countDown();

            assertThat(first.answer.get(10, TimeUnit.SECONDS)).isEqualTo("FIRST");
            assertThatThrownBy(() -> late.answer.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(QueueTimeout.class).hasMessageStartingWith("waited");
            Call inTime = new Call();
            assertThat(batcher.offer("in time", inTime)).isTrue();
            assertThat(inTime.answer.get(10, TimeUnit.SECONDS)).as("an idle model serves at once").isEqualTo("IN TIME");
        }
    }
}
