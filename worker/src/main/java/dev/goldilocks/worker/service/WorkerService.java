package dev.goldilocks.worker.service;

import dev.goldilocks.common.grpc.BadRequests;
import ai.onnxruntime.OrtException;
import dev.goldilocks.proto.v1.EmbedRequest;
import dev.goldilocks.proto.v1.EmbedResponse;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import dev.goldilocks.proto.v1.WorkerTiming;
import dev.goldilocks.worker.generate.Cancelled;
import dev.goldilocks.worker.generate.FinishReason;
import dev.goldilocks.worker.generate.GeneratedToken;
import dev.goldilocks.worker.generate.GenerationResult;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.Generator;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.SessionFactory;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's gRPC service. Handlers validate on the gRPC thread, then hand the model call to the
 * model's bounded queue: a blocking ONNX Runtime call never runs on a gRPC or Netty thread.
 */
public final class WorkerService extends WorkerGrpc.WorkerImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerService.class);
    private static final double NANOS = 1e9;

    private final Map<String, HostedModel> models;
    private final Set<String> configured;
    private final WorkerMetrics metrics;
    private final int defaultMaxNewTokens;

    /**
     * @param models     filled while the worker loads; read live, so models appear as they become ready
     * @param configured every model name this worker will host
     */
    public WorkerService(Map<String, HostedModel> models, Set<String> configured, int defaultMaxNewTokens,
                         WorkerMetrics metrics) {
        this.models = models;
        this.metrics = metrics;
        this.configured = Set.copyOf(configured);
        this.defaultMaxNewTokens = defaultMaxNewTokens;
    }

    @Override
    public void generate(WorkerGenerateRequest request, StreamObserver<WorkerGenerateChunk> responses) {
        long received = System.nanoTime();
        MeteredCall<WorkerGenerateChunk> out = new MeteredCall<>(responses, metrics, "generate");
        try {
            HostedModel hosted = model(request.getModel());
            out.model(hosted.config().name());
            GenerationSettings settings = SettingsValidator.validate(request.getParams(), defaultMaxNewTokens,
                    hosted.config().maxNewTokens());
            int[] prompt = promptTokens(hosted, request.getPrompt(), 1);
            Context context = Context.current();
            submit(hosted, received, out, started -> {
                GenerationResult result = new Generator(hosted.model()).generate(prompt, settings,
                        (text, tokens) -> out.next(WorkerGenerateChunk.newBuilder().setText(text)
                                .addAllTokens(tokens(tokens)).build()),
                        context::isCancelled);
                long finished = System.nanoTime();
                long firstToken = started + result.timeToFirstTokenNanos();
                String name = hosted.config().name();
                metrics.computed(name, "generate", finished - started);
                metrics.generated(name, result.promptTokens(), result.tokens().size(), firstToken - received,
                        finished - firstToken);
                out.complete(WorkerGenerateChunk.newBuilder()
                        .setFinishReason(finishReason(result.finishReason()))
                        .setPromptTokens(result.promptTokens())
                        .setCompletionTokens(result.tokens().size())
                        .setTiming(timing(received, started, finished, firstToken))
                        .build());
            });
        } catch (StatusRuntimeException e) {
            out.fail(e);
        }
    }

    @Override
    public void score(WorkerScoreRequest request, StreamObserver<WorkerScoreResponse> responses) {
        long received = System.nanoTime();
        MeteredCall<WorkerScoreResponse> out = new MeteredCall<>(responses, metrics, "score");
        try {
            HostedModel hosted = model(request.getModel());
            out.model(hosted.config().name());
            int[] prompt = promptTokens(hosted, request.getPrompt(), 0);
            if (request.getContinuation().isEmpty()) {
                throw BadRequests.invalid("continuation", "must not be empty");
            }
            int[] continuation = hosted.model().tokenizer().encode(request.getContinuation());
            if (prompt.length + continuation.length > hosted.model().contextTokens()) {
                throw BadRequests.invalid("continuation", "prompt and continuation are " + (prompt.length
                        + continuation.length) + " tokens, more than the model's context of "
                        + hosted.model().contextTokens());
            }
            submit(hosted, received, out, started -> {
                List<GeneratedToken> scored = new Scorer(hosted.model()).score(prompt, continuation);
                long finished = System.nanoTime();
                metrics.computed(hosted.config().name(), "score", finished - started);
                double sum = 0;
                for (GeneratedToken t : scored) {
                    sum += t.logprob();
                }
                out.complete(WorkerScoreResponse.newBuilder().setLogprob(sum).addAllTokens(tokens(scored))
                        .setPromptTokens(prompt.length).setTiming(timing(received, started, finished, finished))
                        .build());
            });
        } catch (StatusRuntimeException e) {
            out.fail(e);
        }
    }

    @Override
    public void embed(EmbedRequest request, StreamObserver<EmbedResponse> responses) {
        MeteredCall<EmbedResponse> out = new MeteredCall<>(responses, metrics, "embed");
        try {
            HostedModel hosted = model(request.getModel());
            out.model(hosted.config().name());
            out.fail(Status.FAILED_PRECONDITION.withDescription("model: '" + hosted.config().name() + "' is a "
                    + hosted.config().kind() + " model; Embed needs an encoder model").asRuntimeException());
        } catch (StatusRuntimeException e) {
            out.fail(e);
        }
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        StatusResponse.Builder status = StatusResponse.newBuilder();
        models.values().stream().sorted((a, b) -> a.config().name().compareTo(b.config().name())).forEach(m ->
                status.addModels(ModelStatus.newBuilder()
                        .setName(m.config().name())
                        .setKind(m.config().kind())
                        .setState(ModelStatus.State.READY)
                        .setContextTokens(m.model().contextTokens())
                        .setQueueLength(m.queueLength())
                        .setInFlight(m.inFlight())
                        .setDevice(SessionFactory.effectiveDevice(m.config()))));
        responses.onNext(status.build());
        responses.onCompleted();
    }

    private HostedModel model(String name) {
        HostedModel hosted = models.get(name);
        if (hosted == null && configured.contains(name)) {
            throw Status.UNAVAILABLE.withDescription("model: '" + name + "' is still loading").asRuntimeException();
        }
        if (hosted == null) {
            throw Status.NOT_FOUND.withDescription("model: no model named '" + name + "' on this worker (it hosts "
                    + configured.stream().sorted().toList() + ")").asRuntimeException();
        }
        return hosted;
    }

    /** Tokenizes the prompt and checks it leaves {@code room} tokens in the context. */
    private static int[] promptTokens(HostedModel hosted, String prompt, int room) {
        if (prompt.isEmpty()) {
            throw BadRequests.invalid("prompt", "must not be empty");
        }
        int[] ids = hosted.model().tokenizer().encode(prompt);
        int context = hosted.model().contextTokens();
        if (ids.length + room > context) {
            throw BadRequests.invalid("prompt", ids.length + " tokens do not fit the model's context of " + context
                    + " tokens" + (room > 0 ? " with room for a new token" : ""));
        }
        return ids;
    }

    /** Runs {@code work} on the model's queue; answers RESOURCE_EXHAUSTED at once when the queue is full. */
    private void submit(HostedModel hosted, long received, MeteredCall<?> out, ModelCall work) {
        Context context = Context.current();
        String name = hosted.config().name();
        boolean queued = hosted.trySubmit(() -> {
            long started = System.nanoTime();
            metrics.queued(name, started - received);
            if (context.isCancelled()) {
                out.fail(cancelledStatus(context, "while queued"));
                return;
            }
            try {
                work.run(started);
            } catch (Cancelled e) {
                out.fail(cancelledStatus(context, "while generating"));
            } catch (OrtException | RuntimeException e) {
                LOG.error("model {} failed", name, e);
                out.fail(Status.INTERNAL.withDescription("model " + name + " failed: " + e.getMessage())
                        .asRuntimeException());
            }
        });
        if (!queued) {
            out.fail(Status.RESOURCE_EXHAUSTED.withDescription("model " + name + ": queue full ("
                    + hosted.queueLength() + " waiting, " + hosted.inFlight() + " running); retry later")
                    .asRuntimeException());
        }
    }

    private static StatusRuntimeException cancelledStatus(Context context, String when) {
        Deadline deadline = context.getDeadline();
        if (deadline != null && deadline.isExpired()) {
            return Status.DEADLINE_EXCEEDED.withDescription("deadline passed " + when).asRuntimeException();
        }
        return Status.CANCELLED.withDescription("client cancelled " + when).asRuntimeException();
    }

    private static WorkerTiming timing(long received, long started, long finished, long firstToken) {
        return WorkerTiming.newBuilder()
                .setQueueSeconds((started - received) / NANOS)
                .setComputeSeconds((finished - started) / NANOS)
                .setTimeToFirstTokenSeconds((firstToken - received) / NANOS)
                .build();
    }

    private static dev.goldilocks.proto.v1.FinishReason finishReason(FinishReason reason) {
        return switch (reason) {
            case END_OF_TEXT -> dev.goldilocks.proto.v1.FinishReason.FINISH_REASON_END_OF_TEXT;
            case LENGTH -> dev.goldilocks.proto.v1.FinishReason.FINISH_REASON_LENGTH;
            case STOP_SEQUENCE -> dev.goldilocks.proto.v1.FinishReason.FINISH_REASON_STOP_SEQUENCE;
            case CONTEXT_FULL -> dev.goldilocks.proto.v1.FinishReason.FINISH_REASON_CONTEXT_FULL;
        };
    }

    private static List<Token> tokens(List<GeneratedToken> tokens) {
        return tokens.stream().map(t -> Token.newBuilder().setId(t.id()).setText(t.text()).setLogprob(t.logprob())
                .build()).toList();
    }

    /** A model call that may fail with an ONNX Runtime error. */
    @FunctionalInterface
    private interface ModelCall {
        void run(long startedNanos) throws OrtException;
    }
}
