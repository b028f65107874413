package dev.goldilocks.worker.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.grpc.FieldLimits;
import dev.goldilocks.proto.v1.EmbedRequest;
import dev.goldilocks.proto.v1.EmbedResponse;
import dev.goldilocks.proto.v1.Embedding;
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
import dev.goldilocks.worker.generate.FinishReason;
import dev.goldilocks.worker.generate.GeneratedToken;
import dev.goldilocks.worker.generate.GenerationResult;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.DecodeLoop;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.GenerativeModel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker's gRPC service. Handlers validate on the gRPC thread, then hand the request to the model's
 * bounded queues, whose batching threads run ONNX Runtime: a blocking model call never runs on a gRPC
 * or Netty thread.
 */
public final class WorkerService extends WorkerGrpc.WorkerImplBase {

    private static final int MAX_TEXTS = 256;
    /** The most UTF-8 bytes of a prompt, a continuation or one text to embed. */
    static final int MAX_TEXT_BYTES = 1 << 20;

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
            String name = hosted.config().name();
            out.onReadyOrCancel(hosted.generations()::wake);
            boolean queued = hosted.generations().offer(new DecodeLoop.Job(prompt, settings,
                    (text, tokens) -> {
                        // counted as generated, so that cancelled and expired sequences count too
                        metrics.tokensGenerated(name, tokens.size());
                        out.next(WorkerGenerateChunk.newBuilder().setText(text).addAllTokens(tokens(tokens)).build());
                    },
                    new DecodeLoop.Caller() {
                        private long started;

                        @Override
                        public boolean cancelled() {
                            return context.isCancelled();
                        }

                        @Override
                        public boolean ready() {
                            return out.ready();
                        }

                        @Override
                        public void started(long startedNanos) {
                            started = startedNanos;
                            metrics.queued(name, started - received);
                            metrics.promptProcessed(name, prompt.length);
                        }

                        @Override
                        public void finished(GenerationResult result, int largestBatch, long deviceNanos) {
                            long finished = System.nanoTime();
                            long firstToken = started + result.timeToFirstTokenNanos();
                            metrics.computed(name, "generate", finished - started);
                            metrics.generationTimed(name, result.tokens().size(), firstToken - received,
                                    finished - firstToken);
                            out.complete(WorkerGenerateChunk.newBuilder()
                                    .setFinishReason(finishReason(result.finishReason()))
                                    .setPromptTokens(result.promptTokens())
                                    .setCompletionTokens(result.tokens().size())
                                    .setTiming(WorkerCalls.timing(received, started, finished, firstToken)
                                            .setBatchSize(largestBatch).setDeviceSeconds(deviceNanos / 1e9))
                                    .build());
                        }

                        @Override
                        public void failed(Exception e) {
                            out.fail(WorkerCalls.failure(context, name, e));
                        }
                    }));
            if (!queued) {
                out.fail(WorkerCalls.queueFull(hosted));
            }
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
            FieldLimits.required("continuation", request.getContinuation(), MAX_TEXT_BYTES);
            int[] prompt = promptTokens(hosted, request.getPrompt(), 0);
            GenerativeModel model = generative(hosted);
            int[] continuation = model.encode(request.getContinuation());
            if (prompt.length + continuation.length > model.contextTokens()) {
                throw contextTooLong(hosted, "continuation", "prompt and continuation are " + (prompt.length
                        + continuation.length) + " tokens, more than the model's context of "
                        + model.contextTokens());
            }
            boolean queued = hosted.scores().offer(new Scorer.Pair(prompt, continuation),
                    new BatchedCall<List<GeneratedToken>>(hosted.config().name(), "score", received, metrics, out) {
                        @Override
                        void answer(List<GeneratedToken> scored, WorkerTiming.Builder timing) {
                            double sum = 0;
                            for (GeneratedToken t : scored) {
                                sum += t.logprob();
                            }
                            out.complete(WorkerScoreResponse.newBuilder().setLogprob(sum).addAllTokens(tokens(scored))
                                    .setPromptTokens(prompt.length).setTiming(timing).build());
                        }
                    });
            if (!queued) {
                out.fail(WorkerCalls.queueFull(hosted));
            }
        } catch (StatusRuntimeException e) {
            out.fail(e);
        }
    }

    @Override
    public void embed(EmbedRequest request, StreamObserver<EmbedResponse> responses) {
        long received = System.nanoTime();
        MeteredCall<EmbedResponse> out = new MeteredCall<>(responses, metrics, "embed");
        try {
            HostedModel hosted = model(request.getModel());
            out.model(hosted.config().name());
            Batcher<List<String>, float[][]> embeddings = hosted.embeddings().orElseThrow(() ->
                    wrongKind(hosted, "a " + hosted.config().kind() + " model; Embed needs an encoder model"));
            if (request.getTextsCount() == 0) {
                throw Failures.invalidField("texts", "must not be empty");
            }
            if (request.getTextsCount() > MAX_TEXTS) {
                throw Failures.invalidField("texts", request.getTextsCount() + " texts; at most " + MAX_TEXTS
                        + " per request");
            }
            for (int i = 0; i < request.getTextsCount(); i++) {
                FieldLimits.maxBytes("texts[" + i + "]", request.getTexts(i), MAX_TEXT_BYTES);
            }
            boolean queued = embeddings.offer(List.copyOf(request.getTextsList()),
                    new BatchedCall<float[][]>(hosted.config().name(), "embed", received, metrics, out) {
                        @Override
                        void answer(float[][] vectors, WorkerTiming.Builder timing) {
                            EmbedResponse.Builder response = EmbedResponse.newBuilder().setTiming(timing);
                            for (float[] vector : vectors) {
                                Embedding.Builder embedding = Embedding.newBuilder();
                                for (float v : vector) {
                                    embedding.addValues(v);
                                }
                                response.addEmbeddings(embedding);
                            }
                            out.complete(response.build());
                        }
                    });
            if (!queued) {
                out.fail(WorkerCalls.queueFull(hosted));
            }
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
                        .setContextTokens(m.contextTokens())
                        .setRole(m.config().info().role())
                        .setDomain(m.config().info().domain().orElse(""))
                        .setUsdPer1KPromptTokens(m.config().info().usdPer1kPromptTokens())
                        .setUsdPer1KCompletionTokens(m.config().info().usdPer1kCompletionTokens())
                        .setUsdPerDeviceHour(m.config().info().usdPerDeviceHour())
                        .setQueueLength(m.queueLength())
                        .setInFlight(m.inFlight())
                        .setDevice(m.device())));
        responses.onNext(status.build());
        responses.onCompleted();
    }

    /** The hosted causal LM or echo model, or FAILED_PRECONDITION naming the model when it is an encoder. */
    private static GenerativeModel generative(HostedModel hosted) {
        return hosted.generative().orElseThrow(() ->
                wrongKind(hosted, "an encoder; Generate and Score need a causal-lm or echo model"));
    }

    private static StatusRuntimeException wrongKind(HostedModel hosted, String what) {
        String name = hosted.config().name();
        return Failures.of(ErrorReason.WRONG_MODEL_KIND, "model: '" + name + "' is " + what).model(name).build();
    }

    private static StatusRuntimeException contextTooLong(HostedModel hosted, String field, String problem) {
        return Failures.of(ErrorReason.CONTEXT_TOO_LONG, field + ": " + problem).field(field, problem)
                .model(hosted.config().name()).build();
    }

    private HostedModel model(String name) {
        FieldLimits.maxBytes("model", name, FieldLimits.MAX_NAME_BYTES);
        HostedModel hosted = models.get(name);
        if (hosted == null && configured.contains(name)) {
            throw Failures.of(ErrorReason.MODEL_LOADING, "model: '" + name + "' is still loading").model(name).build();
        }
        if (hosted == null) {
            throw Failures.of(ErrorReason.MODEL_NOT_FOUND, "model: no model named '" + Failures.echo(name)
                    + "' on this worker (it hosts " + configured.stream().sorted().toList() + ")").build();
        }
        return hosted;
    }

    /** Tokenizes the prompt and checks it leaves {@code room} tokens in the context. */
    private static int[] promptTokens(HostedModel hosted, String prompt, int room) {
        FieldLimits.required("prompt", prompt, MAX_TEXT_BYTES);
        GenerativeModel model = generative(hosted);
        int[] ids = model.encode(prompt);
        int context = model.contextTokens();
        if (ids.length + room > context) {
            throw contextTooLong(hosted, "prompt", ids.length + " tokens do not fit the model's context of " + context
                    + " tokens" + (room > 0 ? " with room for a new token" : ""));
        }
        return ids;
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
}
