package dev.goldilocks.gateway.backend;

import io.grpc.Context;
import io.grpc.Deadline;

/**
 * What a backend call belongs to: the caller's gRPC Context (its cancellation cancels the call) and the
 * call's deadline (the gateway's worker deadline, capped by the caller's own).
 */
public record CallScope(Context caller, Deadline deadline) {
}
