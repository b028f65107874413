package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A failed worker call as the client should see it. A status that carries a reason (the worker's own
 * answers: a field, a full queue, a deadline; or the dispatcher's account of the model's endpoints) passes
 * through with its details. One without (the transport's: a connection refused or reset) gets the reason
 * that goes with its code, and a message that names the model.
 */
final class WorkerErrors {

    private WorkerErrors() {
    }

    static StatusRuntimeException toClient(Throwable t, String model) {
        Status status = Status.fromThrowable(t);
        if (Failures.reason(t).isPresent()) {
            return status.asRuntimeException(Status.trailersFromThrowable(t)); // keeps google.rpc details
        }
        String detail = status.getDescription() != null ? status.getDescription() : status.getCode().toString();
        return switch (status.getCode()) {
            case UNAVAILABLE -> Failures.of(ErrorReason.MODEL_UNAVAILABLE, "model " + model + ": no worker reachable ("
                    + detail + ")").model(model).build();
            case RESOURCE_EXHAUSTED -> Failures.of(ErrorReason.MODEL_OVERLOADED, "model " + model + ": " + detail)
                    .model(model).build();
            case DEADLINE_EXCEEDED -> Failures.of(ErrorReason.DEADLINE_EXCEEDED, "model " + model + ": " + detail)
                    .model(model).build();
            case CANCELLED -> Failures.of(ErrorReason.CANCELLED, "model " + model + ": " + detail).model(model).build();
            default -> Failures.of(ErrorReason.MODEL_FAILED, "model " + model + ": worker failed: " + detail)
                    .model(model).build();
        };
    }
}
