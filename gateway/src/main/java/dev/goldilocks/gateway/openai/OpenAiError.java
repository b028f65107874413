package dev.goldilocks.gateway.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * A failure as OpenAI's API reports it: an HTTP status and {@code {"error": {message, type, param, code}}},
 * with the delay a client should wait before retrying where there is one (429, 503). Thrown by the request
 * reader; made from a gRPC status by {@link GrpcErrors}. Without a stack trace: it is an answer, not a bug.
 */
final class OpenAiError extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request_error";

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Duration retryAfter;

    OpenAiError(int status, String type, String code, String param, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    /** 400 for a parameter with a value this gateway refuses; the message starts with the parameter's name. */
    static OpenAiError invalidValue(String param, String problem) {
        return new OpenAiError(400, INVALID_REQUEST, "invalid_value", param, param + ": " + problem, null);
    }

    /** 400 for a parameter of the wrong JSON type. */
    static OpenAiError invalidType(String param, String expected, String got) {
        return new OpenAiError(400, INVALID_REQUEST, "invalid_type", param, param + ": expected " + expected + ", got "
                + got, null);
    }

    /** 400 for a parameter (or a value of it) that OpenAI defines and this gateway does not serve. */
    static OpenAiError unsupported(String param, String why) {
        return new OpenAiError(400, INVALID_REQUEST, "unsupported_parameter", param, param + ": not supported: " + why,
                null);
    }

    static OpenAiError malformedJson(String problem) {
        return new OpenAiError(400, INVALID_REQUEST, "invalid_json", null,
                "the request body is not valid JSON: " + problem, null);
    }

    static OpenAiError bodyTooLarge(int limit) {
        return new OpenAiError(413, INVALID_REQUEST, "request_too_large", null,
                "the request body is larger than this gateway's limit of " + limit + " bytes", null);
    }

    static OpenAiError unknownUrl(String method, String path) {
        return new OpenAiError(404, INVALID_REQUEST, "unknown_url", null, "no such endpoint: " + method + " "
                + path + " (served: POST /v1/chat/completions, POST /v1/completions, GET /v1/models)", null);
    }

    static OpenAiError methodNotAllowed(String method, String path, String allowed) {
        return new OpenAiError(405, INVALID_REQUEST, "method_not_allowed", null, method + " " + path
                + ": method not allowed (use " + allowed + ")", null);
    }

    static OpenAiError badHttp(int status, String problem) {
        return new OpenAiError(status, INVALID_REQUEST, "invalid_http_request", null, problem, null);
    }

    static OpenAiError shuttingDown() {
        return new OpenAiError(503, GrpcErrors.SERVER_ERROR, "shutting_down", null,
                "the gateway is draining for shutdown; retry on another replica", Duration.ofSeconds(1));
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String code() {
        return code;
    }

    String param() {
        return param;
    }

    /** The suggested wait before a retry; null when there is none. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** The response body: {@code {"error": {...}}}, as OpenAI sends it (param and code null when unknown). */
    ObjectNode body() {
        ObjectNode error = JsonNodeFactory.instance.objectNode()
                .put("message", getMessage())
                .put("type", type)
                .put("param", param)
                .put("code", code);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return body;
    }
}
