package dev.goldilocks.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an OpenAI-compatible server's failure means here: a status made with {@link Failures} (the model
 * named, a reason a client branches on) and the {@link FailureKind} dispatch judges the endpoint by.
 *
 * <table>
 * <tr><th>HTTP</th><th>status, reason</th><th>kind</th></tr>
 * <tr><td>400, 413, 422</td><td>INVALID_ARGUMENT CONTEXT_TOO_LONG (the prompt is over the context) or
 *     INVALID_FIELD (the parameter named)</td><td>answered</td></tr>
 * <tr><td>404</td><td>NOT_FOUND MODEL_NOT_FOUND</td><td>answered</td></tr>
 * <tr><td>429</td><td>RESOURCE_EXHAUSTED MODEL_OVERLOADED, RetryInfo from Retry-After</td><td>busy</td></tr>
 * <tr><td>503</td><td>UNAVAILABLE MODEL_UNAVAILABLE (draining or overloaded)</td><td>going away</td></tr>
 * <tr><td>401, 403, other 5xx, connection refused or reset</td><td>UNAVAILABLE MODEL_UNAVAILABLE</td>
 *     <td>transport (the breaker counts it; failover, fallback)</td></tr>
 * <tr><td>408, a timeout</td><td>DEADLINE_EXCEEDED</td><td>deadline</td></tr>
 * <tr><td>other 4xx, an answer that is not the protocol</td><td>INTERNAL MODEL_FAILED</td><td>model failed</td></tr>
 * </table>
 */
final class HttpFailures {

    /** The most characters of a server's own message quoted in a status. */
    static final int QUOTED_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);
    private static final Pattern CONTEXT = Pattern.compile(
            "context[ _-]?(length|window)|maximum context|too many tokens|prompt is too long", Pattern.CASE_INSENSITIVE);
    /** OpenAI's parameters, as the gRPC API names the field that carried them. */
    private static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("prompt", "prompt"), Map.entry("messages", "prompt"),
            Map.entry("max_tokens", "params.max_new_tokens"), Map.entry("max_completion_tokens", "params.max_new_tokens"),
            Map.entry("temperature", "params.temperature"), Map.entry("top_p", "params.top_p"),
            Map.entry("top_k", "params.top_k"), Map.entry("stop", "params.stop"), Map.entry("seed", "params.seed"),
            Map.entry("logprobs", "params.logprobs"), Map.entry("model", "model"));

    private final String model;
    private final String address;

    HttpFailures(String model, String address) {
        this.model = model;
        this.address = address;
    }

    /** A response other than 200; {@code body} is its beginning (OpenAI's error JSON, or anything). */
    BackendFailure ofResponse(int status, HttpHeaders headers, byte[] body) {
        Optional<JsonNode> error = errorObject(body);
        String quoted = error.map(e -> e.path("message").asText("")).filter(m -> !m.isBlank())
                .orElseGet(() -> new String(body, StandardCharsets.UTF_8).strip());
        return ofStatus(status, headers, error, "HTTP " + status + (quoted.isEmpty() ? "" : ": " + quote(quoted)));
    }

    /**
     * An error event in a stream that had begun: OpenAI's {@code {"error": {...}}}, or vLLM's error object
     * whose {@code code} is the HTTP status it would have answered.
     */
    BackendFailure ofErrorEvent(JsonNode error) {
        String what = "error event: " + quote(error.path("message").asText(error.toString()));
        JsonNode code = error.path("code");
        if (code.canConvertToInt() && code.asInt() >= 400 && code.asInt() < 600) {
            return ofStatus(code.asInt(), NO_HEADERS, Optional.of(error), what);
        }
        String type = error.path("type").asText("");
        return switch (code.asText("").toLowerCase(Locale.ROOT)) {
            case "context_length_exceeded" -> ofStatus(400, NO_HEADERS, Optional.of(error), what);
            case "deadline_exceeded" -> ofStatus(408, NO_HEADERS, Optional.of(error), what);
            default -> switch (type) {
                case "rate_limit_error" -> ofStatus(429, NO_HEADERS, Optional.of(error), what);
                case "invalid_request_error" -> ofStatus(400, NO_HEADERS, Optional.of(error), what);
                default -> unavailable(what);
            };
        };
    }

    private BackendFailure ofStatus(int status, HttpHeaders headers, Optional<JsonNode> error, String what) {
        if (status == 400 || status == 413 || status == 422) {
            String code = error.map(e -> e.path("code").asText("")).orElse("");
            if (code.equals("context_length_exceeded") || CONTEXT.matcher(what).find()) {
                return new BackendFailure(Failures.of(ErrorReason.CONTEXT_TOO_LONG, "prompt: " + said(what))
                        .field("prompt", "over the context of model " + model).model(model).build(), FailureKind.ANSWERED);
            }
            String param = error.map(e -> e.path("param").asText("")).orElse("");
            String field = FIELDS.getOrDefault(param, "request");
            return new BackendFailure(Failures.of(ErrorReason.INVALID_FIELD, field + ": " + said(what))
                    .field(field, "refused by the backend of model " + model).model(model).build(), FailureKind.ANSWERED);
        }
        return switch (status) {
            case 404 -> new BackendFailure(Failures.of(ErrorReason.MODEL_NOT_FOUND, said(what)).model(model).build(),
                    FailureKind.ANSWERED);
            case 429 -> new BackendFailure(Failures.of(ErrorReason.MODEL_OVERLOADED, said(what)).model(model)
                    .retryAfter(retryAfter(headers)).build(), FailureKind.BUSY);
            case 503 -> new BackendFailure(Failures.of(ErrorReason.MODEL_UNAVAILABLE, said(what)).model(model)
                    .retryAfter(retryAfter(headers)).build(), FailureKind.GOING_AWAY);
            case 408 -> new BackendFailure(Failures.of(ErrorReason.DEADLINE_EXCEEDED, said(what)).model(model).build(),
                    FailureKind.DEADLINE);
            case 401, 403 -> unavailable(what + " (check the backend's api_key_file)");
            default -> status >= 500 ? unavailable(what) : modelFailed(what);
        };
    }

    /** A call that failed without a response, or whose response was cut off. */
    BackendFailure ofException(Throwable t) {
        Throwable cause = rootOf(t);
        if (cannotConnect(t)) {
            return unavailable("cannot connect (" + describe(connectFailure(t)) + ")");
        }
        if (t instanceof HttpTimeoutException || cause instanceof HttpTimeoutException) {
            return new BackendFailure(Failures.of(ErrorReason.DEADLINE_EXCEEDED, said("no answer in time ("
                    + describe(cause) + ")")).model(model).build(), FailureKind.DEADLINE);
        }
        if (cause instanceof IOException) {
            return unavailable("connection failed (" + describe(cause) + ")");
        }
        return modelFailed("unexpected failure (" + describe(cause) + ")");
    }

    /** Whether {@code t} says nothing answered at that address (the server is down or unreachable). */
    static boolean cannotConnect(Throwable t) {
        return connectFailure(t) != null;
    }

    /** The ConnectException (the JDK's client wraps its cause in it) or connect timeout in a chain, if any. */
    private static Throwable connectFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
                return c;
            }
        }
        return null;
    }

    /** The stream ended (the connection closed) before the answer was complete. */
    BackendFailure cutOff() {
        return unavailable("the stream ended before the answer was complete (no finish_reason, no [DONE])");
    }

    /** An answer that does not follow the protocol (not JSON, not an event stream, an event too large). */
    BackendFailure notTheProtocol(String problem) {
        return modelFailed("not an OpenAI-compatible answer: " + problem);
    }

    BackendFailure deadline() {
        return new BackendFailure(Failures.of(ErrorReason.DEADLINE_EXCEEDED, said("the call's deadline passed"))
                .model(model).build(), FailureKind.DEADLINE);
    }

    BackendFailure cancelled() {
        return new BackendFailure(Failures.of(ErrorReason.CANCELLED, said("the caller cancelled")).model(model).build(),
                FailureKind.CALLER_LEFT);
    }

    private BackendFailure unavailable(String what) {
        return new BackendFailure(Failures.of(ErrorReason.MODEL_UNAVAILABLE, said(what)).model(model).build(),
                FailureKind.TRANSPORT);
    }

    private BackendFailure modelFailed(String what) {
        return new BackendFailure(Failures.of(ErrorReason.MODEL_FAILED, said(what)).model(model).build(),
                FailureKind.MODEL_FAILED);
    }

    private String said(String what) {
        return "model " + model + ": backend " + address + ": " + what;
    }

    /** Retry-After as OpenAI's servers send it: retry-after-ms, or retry-after in seconds; 1 s when neither. */
    static Duration retryAfter(HttpHeaders headers) {
        try {
            Optional<String> millis = headers.firstValue("retry-after-ms");
            if (millis.isPresent()) {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.get().trim())));
            }
            Optional<String> seconds = headers.firstValue("retry-after");
            if (seconds.isPresent()) {
                return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(seconds.get().trim()) * 1000)));
            }
        } catch (NumberFormatException e) {
            // an HTTP date, or junk: the default
        }
        return Failures.DEFAULT_RETRY_DELAY;
    }

    private static Optional<JsonNode> errorObject(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root == null ? null : root.get("error");
            if (error != null && error.isObject()) {
                return Optional.of(error);
            }
            if (error != null && error.isTextual()) { // TGI and some proxies: {"error": "message"}
                return Optional.of(JSON.createObjectNode().put("message", error.asText()));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String quote(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= QUOTED_CHARS ? oneLine : oneLine.substring(0, QUOTED_CHARS) + "...";
    }

    private static Throwable rootOf(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + quote(message));
    }
}
