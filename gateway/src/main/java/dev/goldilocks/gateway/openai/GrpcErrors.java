package dev.goldilocks.gateway.openai;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A failed gRPC call as an OpenAI-style error: the status code picks the HTTP status, the google.rpc
 * details refine it. ErrorInfo's reason becomes {@code code} (OpenAI's own name where it has one:
 * context_length_exceeded, model_not_found, invalid_api_key, rate_limit_exceeded; otherwise the reason in
 * lower case, e.g. model_queue_full), BadRequest's field becomes {@code param} (translated to the OpenAI
 * parameter the client sent), RetryInfo becomes Retry-After.
 */
final class GrpcErrors {

    static final String SERVER_ERROR = "server_error";
    /** The HTTP status nginx made the convention for "the client closed the connection first". */
    static final int CLIENT_CLOSED = 499;

    private GrpcErrors() {
    }

    /**
     * @param paramOf the OpenAI parameter that carried a gRPC request field ("prompt" -> "messages"), or null
     */
    static OpenAiError toOpenAi(Throwable t, UnaryOperator<String> paramOf) {
        Status status = Status.fromThrowable(t);
        Optional<ErrorReason> reason = Failures.reason(t);
        String field = Failures.badField(t).orElse(null);
        String param = field == null ? null : paramOf.apply(field);
        String message = message(status, field, param);
        Duration retry = Failures.retryDelay(t).orElse(
                status.getCode() == Status.Code.RESOURCE_EXHAUSTED || status.getCode() == Status.Code.UNAVAILABLE
                        ? Failures.DEFAULT_RETRY_DELAY : null);
        String code = reason.map(r -> r.name().toLowerCase(Locale.ROOT)).orElse(null);
        if (reason.orElse(null) == ErrorReason.INVALID_FIELD && "policy".equals(field)) {
            // "goldilocks::policy::<name>" names a model id that does not exist
            return new OpenAiError(404, OpenAiError.INVALID_REQUEST, "model_not_found", "model", message, null);
        }
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> reason.orElse(null) == ErrorReason.CONTEXT_TOO_LONG
                    ? new OpenAiError(400, OpenAiError.INVALID_REQUEST, "context_length_exceeded",
                            param != null ? param : paramOf.apply("prompt"), message, null)
                    : new OpenAiError(400, OpenAiError.INVALID_REQUEST, code != null ? code : "invalid_value", param,
                            message, null);
            case NOT_FOUND -> new OpenAiError(404, OpenAiError.INVALID_REQUEST, "model_not_found", "model", message, null);
            case UNAUTHENTICATED -> new OpenAiError(401, OpenAiError.INVALID_REQUEST, "invalid_api_key", null, message,
                    null);
            case PERMISSION_DENIED -> new OpenAiError(403, "permission_error", code, "model", message, null);
            case FAILED_PRECONDITION -> new OpenAiError(400, OpenAiError.INVALID_REQUEST, code, param, message, null);
            case RESOURCE_EXHAUSTED -> new OpenAiError(429, "rate_limit_error",
                    reason.orElse(null) == ErrorReason.KEY_RATE_LIMITED || code == null ? "rate_limit_exceeded" : code,
                    null, message, retry);
            case UNAVAILABLE -> new OpenAiError(503, SERVER_ERROR, code != null ? code : "unavailable", null, message,
                    retry);
            case DEADLINE_EXCEEDED -> new OpenAiError(504, SERVER_ERROR, "deadline_exceeded", null, message, null);
            case CANCELLED -> new OpenAiError(CLIENT_CLOSED, SERVER_ERROR, "cancelled", null, message, null);
            case UNIMPLEMENTED -> new OpenAiError(501, SERVER_ERROR, code != null ? code : "unimplemented", null,
                    message, null);
            default -> new OpenAiError(500, SERVER_ERROR, code != null ? code : "internal_error", null, message, null);
        };
    }

    /** The status's message, with the gRPC field it starts with renamed to the client's parameter. */
    private static String message(Status status, String field, String param) {
        String description = status.getDescription() != null ? status.getDescription()
                : status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (field != null && param != null && !param.equals(field) && description.startsWith(field + ":")) {
            return param + description.substring(field.length());
        }
        return description;
    }
}
