package dev.goldilocks.common.grpc;

import io.grpc.Status;

/**
 * The stable, machine-readable reason of every non-OK status the gateway and the workers send, carried as
 * a google.rpc.ErrorInfo (domain {@value Failures#DOMAIN}) so that clients branch on a code, never on
 * message text. Names are only ever added; the list with their meaning is documented in
 * proto/src/main/proto/goldilocks/v1/errors.proto.
 */
public enum ErrorReason {
    /** A request field is invalid; a google.rpc.BadRequest names it. */
    INVALID_FIELD(Status.Code.INVALID_ARGUMENT),
    /** The request is not a valid protobuf message (for example a string that is not UTF-8). */
    MALFORMED_REQUEST(Status.Code.INVALID_ARGUMENT),
    /** The prompt (with its continuation, or room for one new token) does not fit the model's context. */
    CONTEXT_TOO_LONG(Status.Code.INVALID_ARGUMENT),
    /** No model of that name. */
    MODEL_NOT_FOUND(Status.Code.NOT_FOUND),
    /** The model cannot serve this RPC (an encoder asked to generate, a causal LM asked to embed). */
    WRONG_MODEL_KIND(Status.Code.FAILED_PRECONDITION),
    /** Feedback for a request id older than the feedback window. */
    FEEDBACK_WINDOW_PASSED(Status.Code.FAILED_PRECONDITION),
    /** The request asked for a routing policy and this gateway does not let requests choose one. */
    POLICY_NOT_ALLOWED(Status.Code.PERMISSION_DENIED),
    /** No API key was sent. */
    API_KEY_MISSING(Status.Code.UNAUTHENTICATED),
    /** The API key sent is not valid. */
    API_KEY_INVALID(Status.Code.UNAUTHENTICATED),
    /** The API key's rate limit is exceeded. */
    KEY_RATE_LIMITED(Status.Code.RESOURCE_EXHAUSTED),
    /** The gateway has as many calls in flight as it admits. */
    GATEWAY_OVERLOADED(Status.Code.RESOURCE_EXHAUSTED),
    /** The model has as many calls in flight at this gateway as its concurrency limit admits. */
    MODEL_OVERLOADED(Status.Code.RESOURCE_EXHAUSTED),
    /** The worker's queue for the model is full. */
    MODEL_QUEUE_FULL(Status.Code.RESOURCE_EXHAUSTED),
    /** The request waited longer than the queue timeout and was refused rather than served late. */
    QUEUE_TIMEOUT(Status.Code.RESOURCE_EXHAUSTED),
    /** Low-priority traffic (probes, shadow) shed while the gateway is busy. */
    LOW_PRIORITY_SHED(Status.Code.RESOURCE_EXHAUSTED),
    /** No worker endpoint of the model can take the call (unreachable, or every breaker open). */
    MODEL_UNAVAILABLE(Status.Code.UNAVAILABLE),
    /** The model is still loading on this worker. */
    MODEL_LOADING(Status.Code.UNAVAILABLE),
    /** The server is draining for shutdown; retry on another replica. */
    SHUTTING_DOWN(Status.Code.UNAVAILABLE),
    /** The caller's deadline passed. */
    DEADLINE_EXCEEDED(Status.Code.DEADLINE_EXCEEDED),
    /** The caller cancelled. */
    CANCELLED(Status.Code.CANCELLED),
    /** The model failed while computing (a bug or a broken model file, not the request's fault). */
    MODEL_FAILED(Status.Code.INTERNAL),
    /** The model's backend cannot score (it returns no log-probabilities). */
    SCORE_UNSUPPORTED(Status.Code.UNIMPLEMENTED),
    /** Anything else that went wrong on the server. */
    INTERNAL_ERROR(Status.Code.INTERNAL),
    /** The request reads the decision log and this gateway has none. */
    DECISION_LOG_OFF(Status.Code.FAILED_PRECONDITION),
    /** The decision log's store did not answer a read. */
    DECISION_LOG_UNAVAILABLE(Status.Code.UNAVAILABLE),
    /** No experiment of that name. */
    EXPERIMENT_NOT_FOUND(Status.Code.NOT_FOUND),
    /** An experiment of that name exists already. */
    EXPERIMENT_EXISTS(Status.Code.ALREADY_EXISTS),
    /** The experiment's state does not allow the change. */
    EXPERIMENT_WRONG_STATE(Status.Code.FAILED_PRECONDITION);

    private final Status.Code code;

    ErrorReason(Status.Code code) {
        this.code = code;
    }

    /** The gRPC status code that goes with this reason. */
    public Status.Code code() {
        return code;
    }
}
