package dev.goldilocks.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A call's end is labelled by why its Context was cancelled, not by when the worker looked. */
class WorkerCallsTest {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void stop() {
        TIMER.shutdownNow();
    }

    @Test
    void aContextEndedByItsOwnDeadlineIsDeadlineExceeded() throws Exception {
        Context.CancellableContext context = Context.current().withDeadline(
                Deadline.after(1, TimeUnit.MILLISECONDS), TIMER);
        CountDownLatch cancelled = new CountDownLatch(1);
        context.addListener(c -> cancelled.countDown(), Runnable::run);
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Failures.reason(WorkerCalls.cancelledStatus(context, "while generating")))
                .contains(ErrorReason.DEADLINE_EXCEEDED);
    }

    @Test
    void aCallerThatLeftJustBeforeTheDeadlineLeftBecauseOfIt() {
        // the caller's deadline fired a moment before this worker's copy of it: its RST_STREAM is a cancel
        Context.CancellableContext context = Context.current().withDeadline(
                Deadline.after(WorkerCalls.DEADLINE_SLACK_MILLIS / 2, TimeUnit.MILLISECONDS), TIMER);
        context.cancel(Status.CANCELLED.withDescription("RST_STREAM").asRuntimeException());
        assertThat(Failures.reason(WorkerCalls.cancelledStatus(context, "while generating")))
                .contains(ErrorReason.DEADLINE_EXCEEDED);
    }

    @Test
    void aCallerThatLeftLongBeforeItsDeadlineCancelled() {
        Context.CancellableContext context = Context.current().withDeadline(
                Deadline.after(60, TimeUnit.SECONDS), TIMER);
        context.cancel(null);
        assertThat(Failures.reason(WorkerCalls.cancelledStatus(context, "while queued")))
                .contains(ErrorReason.CANCELLED);
        Context.CancellableContext noDeadline = Context.current().withCancellation();
        noDeadline.cancel(null);
        assertThat(Failures.reason(WorkerCalls.cancelledStatus(noDeadline, "while queued")))
                .contains(ErrorReason.CANCELLED);
    }
}
