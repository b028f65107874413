package dev.goldilocks.gateway.backend;

import io.grpc.StatusRuntimeException;

/** A failed backend call: the status a client may see, and what the failure says about the endpoint. */
record BackendFailure(StatusRuntimeException status, FailureKind kind) {
}
