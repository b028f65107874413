package dev.goldilocks.gateway.backend;

/** Ends a backend call from inside its reading; carries the failure, without a stack trace (it is an answer). */
final class CallFailed extends RuntimeException {

    private final transient BackendFailure failure;

    CallFailed(BackendFailure failure) {
        super(failure.status().getMessage(), null, false, false);
        this.failure = failure;
    }

    BackendFailure failure() {
        return failure;
    }
}
