package dev.goldilocks.worker.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.WorkerTiming;
import dev.goldilocks.worker.generate.Cancelled;
import dev.goldilocks.worker.generate.DecodeLoop;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a worker call ends when it does not succeed, and the timings every answer carries. */
final class WorkerCalls {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerCalls.class);
    private static final double NANOS = 1e9;

    private WorkerCalls() {
    }

    static StatusRuntimeException queueFull(HostedModel hosted) {
        return Status.RESOURCE_EXHAUSTED.withDescription("model " + hosted.config().name() + ": queue full ("
                + hosted.queueLength() + " waiting, " + hosted.inFlight() + " running); retry later")
                .asRuntimeException();
    }

    /** The status for a model call that did not finish: the caller left, or the model failed. */
    static StatusRuntimeException failure(Context context, String model, Exception e) {
        if (e instanceof Cancelled) {
            return cancelledStatus(context, "while generating");
        }
        if (e instanceof Batcher.CancellationException || e instanceof DecodeLoop.LeftQueue) {
            return cancelledStatus(context, "while queued");
        }
        if (e instanceof Batcher.ClosedException || e instanceof DecodeLoop.Closed) {
            return Failures.of(ErrorReason.SHUTTING_DOWN, "model " + model + ": " + e.getMessage()).model(model).build();
        }
        LOG.error("model {} failed", model, e);
        return Status.INTERNAL.withDescription("model " + model + " failed: " + e.getMessage()).asRuntimeException();
    }

    static StatusRuntimeException cancelledStatus(Context context, String when) {
        Deadline deadline = context.getDeadline();
        if (deadline != null && deadline.isExpired()) {
            return Status.DEADLINE_EXCEEDED.withDescription("deadline passed " + when).asRuntimeException();
        }
        return Status.CANCELLED.withDescription("client cancelled " + when).asRuntimeException();
    }

    static WorkerTiming.Builder timing(long received, long started, long finished, long firstToken) {
        return WorkerTiming.newBuilder()
                .setQueueSeconds((started - received) / NANOS)
                .setComputeSeconds((finished - started) / NANOS)
                .setTimeToFirstTokenSeconds((firstToken - received) / NANOS);
    }
}
