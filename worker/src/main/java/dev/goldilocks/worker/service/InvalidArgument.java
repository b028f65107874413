package dev.goldilocks.worker.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** INVALID_ARGUMENT statuses whose message starts with the offending field. */
final class InvalidArgument {

    private InvalidArgument() {
    }

    static StatusRuntimeException of(String field, String problem) {
        return Status.INVALID_ARGUMENT.withDescription(field + ": " + problem).asRuntimeException();
    }
}
