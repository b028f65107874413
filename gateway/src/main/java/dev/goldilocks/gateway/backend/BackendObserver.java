package dev.goldilocks.gateway.backend;

/** Receives one backend call's messages and its end; calls come one at a time, never after the end. */
public interface BackendObserver<T> {

    /** Before any message: how to ask a stream for more. */
    default void onStart(Demand demand) {
    }

    void onNext(T message);

    /**
     * The call failed: {@code error} is the status a client may see (a StatusRuntimeException; one without
     * an ErrorInfo comes from a worker's transport), {@code kind} what it says about the endpoint.
     */
    void onError(Throwable error, FailureKind kind);

    void onCompleted();
}
