package dev.goldilocks.worker.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.WorkerTiming;
import dev.goldilocks.worker.generate.Cancelled;
import dev.goldilocks.worker.generate.DecodeLoop;
import dev.goldilocks.worker.generate.QueueTimeout;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a worker call ends when it does not succeed, and the timings every answer carries. */
final class WorkerCalls {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerCalls.class);
    private static final double NANOS = 1e9;
    /**
     * A caller whose own deadline passed cancels its call (RST_STREAM) slightly before this worker's copy of
     * that deadline fires, by the time the request took to arrive. A cancellation this close to the deadline
     * is the deadline's.
     */
    static final long DEADLINE_SLACK_MILLIS = 100;

    private WorkerCalls() {
    }

    static StatusRuntimeException queueFull(HostedModel hosted) {
        String model = hosted.config().name();
        return Failures.of(ErrorReason.MODEL_QUEUE_FULL, "model " + model + ": queue full (" + hosted.queueLength()
                + " waiting, " + hosted.inFlight() + " running); retry later").model(model).build();
    }

    /** The status for a model call that did not finish: the caller left, or the model failed. */
    static StatusRuntimeException failure(Context context, String model, Exception e) {
        if (e instanceof Cancelled) {
            return cancelledStatus(context, "while generating");
        }
        if (e instanceof Batcher.CancellationException || e instanceof DecodeLoop.LeftQueue) {
            return cancelledStatus(context, "while queued");
        }
        if (e instanceof QueueTimeout) {
            return Failures.of(ErrorReason.QUEUE_TIMEOUT, "model " + model + ": " + e.getMessage()
                    + "; retry with backoff").model(model).build();
        }
        if (e instanceof Batcher.ClosedException || e instanceof DecodeLoop.Closed) {
            return Failures.of(ErrorReason.SHUTTING_DOWN, "model " + model + ": " + e.getMessage()).model(model).build();
        }
        LOG.error("model {} failed", model, e);
        // MODEL_FAILED tells a gateway not to try the request on the other replicas (it would break them too)
        return Failures.of(ErrorReason.MODEL_FAILED, "model " + model + " failed: " + e.getMessage()).model(model)
                .build();
    }

    /** DEADLINE_EXCEEDED when the call's deadline ended it, CANCELLED when its caller went away earlier. */
    static StatusRuntimeException cancelledStatus(Context context, String when) {
        return deadlinePassed(context)
                ? Failures.of(ErrorReason.DEADLINE_EXCEEDED, "deadline passed " + when).build()
                : Failures.of(ErrorReason.CANCELLED, "client cancelled " + when).build();
    }

    /**
     * Whether a cancelled call ended by its deadline: the Context's cancellation cause says so when this
     * worker's deadline fired first; otherwise the caller cancelled, and it counts as the deadline when that
     * came within {@link #DEADLINE_SLACK_MILLIS} of it.
     */
    static boolean deadlinePassed(Context context) {
        if (context.isCancelled() && Contexts.statusFromCancelled(context).getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return true;
        }
        Deadline deadline = context.getDeadline();
        return deadline != null && deadline.timeRemaining(TimeUnit.MILLISECONDS) <= DEADLINE_SLACK_MILLIS;
    }

    static WorkerTiming.Builder timing(long received, long started, long finished, long firstToken) {
        return WorkerTiming.newBuilder()
                .setQueueSeconds((started - received) / NANOS)
                .setComputeSeconds((finished - started) / NANOS)
                .setTimeToFirstTokenSeconds((firstToken - received) / NANOS);
    }
}
