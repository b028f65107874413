package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import io.grpc.Context;
import io.grpc.Status;
import java.util.Optional;

/**
 * What a failed worker call says about the endpoint and whether the call may go elsewhere. A breaker is
 * for broken endpoints, not busy ones: a full queue, a caller that left, a deadline and a request's own
 * fault are not failures of the endpoint. A worker's own account of a failure carries an ErrorInfo; a
 * failure without one comes from the transport (the process died, the connection was reset or refused).
 */
enum WorkerFailure {
    /** The caller cancelled or its deadline passed: nothing to judge, nothing to retry. */
    CALLER_LEFT(Move.NONE, false),
    /** The call's own deadline passed on the worker. */
    DEADLINE(Move.NONE, false),
    /** The worker's queue for the model is full: another replica may have room, at the cost of the retry budget. */
    BUSY(Move.RETRY, false),
    /** The request waited longer than the worker's queue timeout: sending it elsewhere would only make it later. */
    QUEUE_TIMEOUT(Move.NONE, false),
    /** The worker is draining or still loading the model: another replica serves it; the endpoint is not broken. */
    GOING_AWAY(Move.FAILOVER, false),
    /** No answer from the worker (connection refused or reset, process gone): another replica serves it. */
    TRANSPORT(Move.FAILOVER, true),
    /**
     * The worker's model failed on this request. Not retried: a request that breaks the model would break
     * it on every replica and open every breaker.
     */
    MODEL_FAILED(Move.NONE, true),
    /** The worker answered the request (not found, invalid, ...): the client hears it as it is. */
    ANSWERED(Move.NONE, false);

    /** Where a failed call may go next, as long as nothing of it reached the client. */
    enum Move {
        /** Nowhere: the client gets the failure. */
        NONE,
        /** Another replica, paid from the retry budget, at most retry_attempts attempts in all. */
        RETRY,
        /** Every other replica in turn, free: a replica that is gone is no reason to fail a call. */
        FAILOVER
    }

    private final Move move;
    private final boolean endpointFault;

    WorkerFailure(Move move, boolean endpointFault) {
        this.move = move;
        this.endpointFault = endpointFault;
    }

    Move move() {
        return move;
    }

    /** Counts as a failure in the endpoint's breaker. */
    boolean endpointFault() {
        return endpointFault;
    }

    static WorkerFailure of(Throwable t, Context caller) {
        if (caller.isCancelled()) {
            return CALLER_LEFT;
        }
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
