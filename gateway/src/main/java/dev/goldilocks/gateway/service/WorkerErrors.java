package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.Failures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A worker's status as the client should see it: the worker's own answers (INVALID_ARGUMENT naming a
 * field, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED) pass through; a worker that cannot be reached says which model.
 */
final class WorkerErrors {

    private WorkerErrors() {
    }

    static StatusRuntimeException toClient(Throwable t, String model) {
        Status status = Status.fromThrowable(t);
        if (Failures.reason(t).isPresent()) {
            return status.asRuntimeException(Status.trailersFromThrowable(t)); // already says what it is, machine-readably
        }
        if (status.getCode() == Status.Code.UNAVAILABLE && status.getDescription() != null
                && status.getDescription().startsWith("model " + model + ":")) {
            return status.asRuntimeException(); // the dispatcher's own account, which names the model
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            return Status.UNAVAILABLE.withDescription("model " + model + ": no worker reachable ("
                    + status.getDescription() + ")").asRuntimeException();
        }
        if (status.getCode() == Status.Code.UNKNOWN || status.getCode() == Status.Code.INTERNAL) {
            return Status.INTERNAL.withDescription("model " + model + ": worker failed: " + status.getDescription())
                    .asRuntimeException();
        }
        return status.asRuntimeException(Status.trailersFromThrowable(t)); // keeps google.rpc details
    }
}
