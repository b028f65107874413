package dev.goldilocks.gateway.backend;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import io.grpc.Status;
import java.util.Optional;

/**
 * What a failed backend call says about its endpoint, and where the call may go next. A circuit breaker is
 * for broken endpoints, not busy ones: a full queue, a caller that left, a deadline and a request's own
 * fault are not failures of the endpoint. Each backend classifies its own failures (it knows its protocol);
 * dispatch adds {@link #CALLER_LEFT}, which only the caller's Context can tell.
 */
public enum FailureKind {
    /** The caller cancelled or its deadline passed: nothing to judge, nothing to retry. */
    CALLER_LEFT(Move.NONE, false),
    /** The call's own deadline passed on the backend. */
    DEADLINE(Move.NONE, false),
    /** The backend is busy (a full queue, HTTP 429): another replica may have room, at the cost of the retry budget. */
    BUSY(Move.RETRY, false),
    /** The request waited longer than the worker's queue timeout: sending it elsewhere would only make it later. */
    QUEUE_TIMEOUT(Move.NONE, false),
    /** The backend is draining or still loading the model: another replica serves it; the endpoint is not broken. */
    GOING_AWAY(Move.FAILOVER, false),
    /**
     * No usable answer from the endpoint (connection refused or reset, process gone, an HTTP server error):
     * another replica serves it.
     */
    TRANSPORT(Move.FAILOVER, true),
    /**
     * The model failed on this request. Not retried: a request that breaks the model would break it on every
     * replica and open every breaker.
     */
    MODEL_FAILED(Move.NONE, true),
    /** The backend answered the request (not found, invalid, ...): the client hears it as it is. */
    ANSWERED(Move.NONE, false);

    /** Where a failed call may go next, as long as nothing of it reached the client. */
    public enum Move {
        /** Nowhere: the client gets the failure. */
        NONE,
        /** Another replica, paid from the retry budget, at most retry_attempts attempts in all. */
        RETRY,
        /** Every other replica in turn, free: a replica that is gone is no reason to fail a call. */
        FAILOVER
    }

    private final Move move;
    private final boolean endpointFault;

    FailureKind(Move move, boolean endpointFault) {
        this.move = move;
        this.endpointFault = endpointFault;
    }

    public Move move() {
        return move;
    }

    /** Counts as a failure in the endpoint's breaker. */
    public boolean endpointFault() {
        return endpointFault;
    }

    /**
     * A worker's failure: its own account carries an ErrorInfo; a failure without one comes from the
     * transport (the process died, the connection was reset or refused).
     */
    static FailureKind ofWorker(Throwable t) {
        Status.Code code = Status.fromThrowable(t).getCode();
        Optional<ErrorReason> reason = Failures.reason(t);
        return switch (code) {
            case DEADLINE_EXCEEDED -> DEADLINE;
            case RESOURCE_EXHAUSTED -> reason.orElse(null) == ErrorReason.QUEUE_TIMEOUT ? QUEUE_TIMEOUT : BUSY;
            case UNAVAILABLE -> reason.isPresent() ? GOING_AWAY : TRANSPORT;
            // a stream reset by a dying process ends INTERNAL, UNKNOWN or CANCELLED without the worker's ErrorInfo
            case INTERNAL, UNKNOWN -> reason.isPresent() ? MODEL_FAILED : TRANSPORT;
            case CANCELLED -> reason.isPresent() ? ANSWERED : TRANSPORT;
            default -> ANSWERED;
        };
    }
}
