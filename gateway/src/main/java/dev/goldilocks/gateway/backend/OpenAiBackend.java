package dev.goldilocks.gateway.backend;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.config.OpenAiBackendSettings;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import io.grpc.Context;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A model served by an OpenAI-compatible HTTP server (vLLM, TGI, llama.cpp, a hosted API). A generation is
 * {@code POST <base>/completions} (or {@code /chat/completions}) with {@code stream: true}, read as
 * server-sent events at the caller's pace; the caller's cancellation and the call's deadline close the
 * response, so the server stops generating. Its status is {@code GET <base>/models}: any answer means the
 * server is reachable, and its load is this gateway's own calls to it (a remote server reports none).
 * Score is not supported: the completions API returns no log-probabilities of a given continuation.
 */
public final class OpenAiBackend implements ModelBackend {

    /** The largest event read (a chunk of text with its log-probabilities is far smaller). */
    static final int MAX_EVENT_BYTES = 4 << 20;
    /** The most of an error response read (OpenAI's error JSON is a few hundred bytes). */
    static final int MAX_ERROR_BYTES = 64 << 10;
    /** The most of a model list read (a hosted API's lists some hundred models). */
    static final int MAX_MODELS_BYTES = 4 << 20;

    private final String model;
    private final OpenAiBackendSettings settings;
    private final HttpTransport transport;
    private final RateLimitedLog operator;
    private final HttpFailures failures;
    private volatile boolean reachable = true;

    /**
     * @param model    the model's name at this gateway (the server may know it by another: settings.model)
     * @param operator where a backend that sends no usage, or does not list the model, is reported
     */
    public OpenAiBackend(String model, OpenAiBackendSettings settings, HttpTransport transport, RateLimitedLog operator) {
        this.model = model;
        this.settings = settings;
        this.transport = transport;
        this.operator = operator;
        this.failures = new HttpFailures(model, settings.baseUrl());
    }

    @Override
    public String address() {
        return settings.baseUrl();
    }

    @Override
    public void generate(WorkerGenerateRequest request, CallScope scope, BackendObserver<WorkerGenerateChunk> out) {
        Context.CancellableContext call = scope.caller().withDeadline(scope.deadline(), transport.timer());
        StreamedCompletion completion = new StreamedCompletion(settings.chat(), request.getParams().getLogprobs(),
                failures, () -> operator.warn("no-usage:" + model, "model {}: backend {} sent no usage in its stream"
                        + " (stream_options.include_usage): its tokens and cost count 0", model, address()),
                System.nanoTime());
        OpenAiStream stream = new OpenAiStream(completion, MAX_EVENT_BYTES, failures, out, () -> call.cancel(null));
        out.onStart(stream);
        HttpRequest http = request(OpenAiRequests.path(settings)).header("content-type", "application/json")
                .header("accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(OpenAiRequests.generate(settings, request))).build();
        CompletableFuture<HttpResponse<Void>> sent = send(http, info -> {
            reachable = true;
            if (info.statusCode() == 200 && eventStream(info.headers())) {
                return stream;
            }
            return HttpResponse.BodySubscribers.mapping(new BoundedBody(MAX_ERROR_BYTES), body -> {
                stream.fail(info.statusCode() == 200
                        ? failures.notTheProtocol("200 with content-type "
                                + info.headers().firstValue("content-type").orElse("(none)") + ", not text/event-stream")
                        : failures.ofResponse(info.statusCode(), info.headers(), body));
                return null;
            });
        });
        sent.whenComplete((response, t) -> {
            if (t != null && !(unwrap(t) instanceof CancellationException)) {
                if (HttpFailures.cannotConnect(unwrap(t))) {
                    reachable = false;
                }
                stream.fail(failures.ofException(unwrap(t)));
            }
        });
        // the caller leaving, or the deadline: the response is closed and the server stops generating
        call.addListener(ended -> {
            boolean timedOut = ended.cancellationCause() instanceof TimeoutException && !scope.caller().isCancelled();
            if (stream.fail(timedOut ? failures.deadline() : failures.cancelled())) {
                sent.cancel(true);
            }
        }, Runnable::run);
    }

    @Override
    public void score(WorkerScoreRequest request, CallScope scope, BackendObserver<WorkerScoreResponse> out) {
        out.onStart(n -> { });
        out.onError(Failures.of(ErrorReason.SCORE_UNSUPPORTED, "model " + model + ": Score is not supported: its"
                + " backend (the OpenAI-compatible server " + address() + ") returns no log-probabilities of a given"
                + " continuation").model(model).build(), FailureKind.ANSWERED);
    }

    @Override
    public CompletableFuture<StatusResponse> status(Duration timeout) {
        HttpRequest http = request("/models").timeout(timeout).GET().build();
        return send(http, info -> new BoundedBody(MAX_MODELS_BYTES))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, t) -> {
                    if (t != null) {
                        if (HttpFailures.cannotConnect(unwrap(t))) {
                            reachable = false;
                        }
                        throw t instanceof CompletionException c ? c : new CompletionException(t);
                    }
                    reachable = true;
                    return StatusResponse.newBuilder().addModels(status(response.statusCode(), response.body())).build();
                });
    }

    /**
     * Ready when the server answers its model list (or has none: 404); a server error or a refused key is
     * not ready. A list without the model is reported, rate-limited: calls will likely be 404.
     */
    private ModelStatus status(int code, byte[] body) {
        ModelStatus.Builder status = ModelStatus.newBuilder().setName(model).setKind("causal-lm").setDevice("remote")
                .setState(code == 200 || code == 404 ? ModelStatus.State.READY : ModelStatus.State.FAILED);
        if (code == 200) {
            Optional<ModelList.Entry> entry = ModelList.find(body, settings.model());
            entry.ifPresent(e -> status.setContextTokens(e.contextTokens()));
            if (entry.isEmpty()) {
                operator.warn("unlisted:" + model, "model {}: backend {} does not list a model named '{}' at"
                        + " GET /models", model, address(), settings.model());
            }
        } else if (code != 404) {
            operator.warn("status:" + model, "model {}: backend {} answered GET /models with HTTP {}", model,
                    address(), code);
        }
        return status.build();
    }

    @Override
    public boolean reachable() {
        return reachable;
    }

    /** Nothing to do: the connections are the shared transport's. */
    @Override
    public void shutdown() {
    }

    @Override
    public void close() {
    }

    /** Sends {@code http}; a request the client refuses outright (it is closed) fails the future like any other. */
    private <T> CompletableFuture<HttpResponse<T>> send(HttpRequest http, HttpResponse.BodyHandler<T> handler) {
        try {
            return transport.client().sendAsync(http, handler);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.uri(path));
        settings.apiKey().ifPresent(key -> builder.header("authorization", "Bearer " + key));
        return builder;
    }

    private static boolean eventStream(HttpHeaders headers) {
        return headers.firstValue("content-type").map(t -> t.toLowerCase(java.util.Locale.ROOT)
                .startsWith("text/event-stream")).orElse(false);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
