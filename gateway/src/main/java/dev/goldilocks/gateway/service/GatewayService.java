package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.decisions.DecisionRecorder;
import dev.goldilocks.gateway.decisions.DecisionTrace;
import dev.goldilocks.gateway.dispatch.Dispatcher;
import dev.goldilocks.gateway.dispatch.WorkerPools;
import dev.goldilocks.gateway.experiments.ArmRoute;
import dev.goldilocks.gateway.experiments.LiveExperiments;
import dev.goldilocks.gateway.security.ApiKeyAuth;
import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.FeedbackResponse;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ListModelsRequest;
import dev.goldilocks.proto.v1.ListModelsResponse;
import dev.goldilocks.proto.v1.ModelInfo;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.proto.v1.ScoreResponse;
import dev.goldilocks.proto.v1.Timing;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.Usage;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import dev.goldilocks.store.FeedbackReceipt;
import dev.goldilocks.router.DomainPrediction;
import dev.goldilocks.router.RouteDecision;
import dev.goldilocks.router.Router;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The public API: validate, route, call a worker over gRPC (the client's deadline and cancellation
 * travel with the call), and answer with route, usage and timing.
 */
public final class GatewayService extends GoldilocksGrpc.GoldilocksImplBase {

    private static final double NANOS = 1e9;

    private final GatewayConfig config;
    private final Router router;
    private final WorkerPools pools;
    private final Dispatcher dispatcher;
    private final RequestIds requestIds;
    private final RequestValidator validator;
    private final Map<String, ModelRoute> models;
    private final FeedbackLedger feedback = new FeedbackLedger();
    private final DecisionRecorder decisions;
    private final Outcomes outcomes;
    private final BiConsumer<GenerateRequest, GenerateResponse> afterAnswer;
    private final long workerDeadlineMillis;
    private final RateLimitedLog operator;
    private final LiveExperiments experiments;
    private final Executor classifying;

    /**
     * @param afterAnswer called with each client request and its answer once the answer has been sent
     *                    (shadow sampling); never on the client's path
     * @param operator    where operator events (a fallback) are logged, rate-limited
     * @param decisions   the decision log: a row per generation request, feedback counted once across replicas
     * @param experiments the running experiments, which route the client requests they expose
     * @param classifying where a generation whose prompt must be classified continues (the public port runs
     *                    Generate on its transport threads, which must not spend milliseconds in a model)
     */
    public GatewayService(GatewayConfig config, Router router, Outcomes outcomes, WorkerPools pools,
                          Dispatcher dispatcher, BiConsumer<GenerateRequest, GenerateResponse> afterAnswer,
                          RateLimitedLog operator, DecisionRecorder decisions, LiveExperiments experiments,
                          Executor classifying) {
        this.classifying = classifying;
        this.operator = operator;
        this.experiments = experiments;
        this.decisions = decisions;
        this.config = config;
        this.router = router;
        this.outcomes = outcomes; // it carries the metrics too: every request and model call is counted in one place
        this.pools = pools;
        this.dispatcher = dispatcher;
        this.afterAnswer = afterAnswer;
        this.requestIds = new RequestIds(config.signingKey());
        this.validator = new RequestValidator(config, router);
        this.models = config.models().stream().collect(Collectors.toUnmodifiableMap(ModelRoute::name,
                Function.identity()));
        this.workerDeadlineMillis = (long) (config.workerDeadlineSeconds() * 1000);
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
        generation(request, responses, "generate", new GenerationSink() {
            @Override
            public void onDelta(String text, List<Token> tokens) {
                // the whole text arrives in the final response
            }

            @Override
            public void onDone(GenerateResponse response) {
                responses.onNext(response);
                responses.onCompleted();
            }

            @Override
            public void onError(StatusRuntimeException error) {
                responses.onError(error);
            }
        });
    }

    @Override
    public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> responses) {
        generation(request, responses, "generate_stream", new StreamSink(responses));
    }

    /**
     * Starts a generation where it arrived, or where prompts are classified when it needs that. The handlers
     * on the response observer are set here: gRPC takes them only before the service method returns.
     */
    private void generation(GenerateRequest request, StreamObserver<?> responses, String rpc, GenerationSink sink) {
        long received = System.nanoTime();
        quietCancel(responses);
        ClientPacing pacing = sink instanceof StreamSink ? new ClientPacing((ServerCallStreamObserver<?>) responses)
                : null;
        if (!router.classifies(request.getDomainHint())) {
            startGeneration(request, rpc, sink, received, pacing);
            return;
        }
        try {
            classifying.execute(Context.current().wrap(() -> {
                try {
                    startGeneration(request, rpc, sink, received, pacing);
                } catch (RuntimeException e) { // what gRPC does with a handler's exception, which it no longer sees
                    responses.onError(Status.INTERNAL.withDescription("gateway error: " + e).withCause(e)
                            .asRuntimeException());
                    throw e;
                }
            }));
        } catch (RejectedExecutionException e) {
            responses.onError(Failures.of(ErrorReason.GATEWAY_OVERLOADED,
                    "gateway overloaded: no handler thread free to classify the prompt; retry with backoff").build());
        }
    }

    private void startGeneration(GenerateRequest request, String rpc, GenerationSink unmetered, long received,
                                 ClientPacing pacing) {
        Traffic traffic = Traffic.current();
        RequestCounting.CallRoute counted = RequestCounting.route();
        DecisionTrace trace = decisions.trace(traffic, request, received);
        GenerationSink metered = new MeteredSink(unmetered, outcomes.metrics(), rpc, traffic, counted, trace);
        GenerationSink client = traffic != Traffic.CLIENT ? metered : new ForwardingSink(metered) {
            @Override
            public void onDone(GenerateResponse response) {
                next.onDone(response);
                afterAnswer.accept(request, response);
            }
        };
        RouteDecision decision;
        try {
            validator.check(request);
            refuseIfSaturated(request.getModel(), counted);
            decision = decide(traffic, request, trace);
            trace.routed(decision.prediction(), decision);
        } catch (StatusRuntimeException e) {
            client.onError(e);
            return;
        }
        long routed = System.nanoTime();
        String generic = router.catalog().generic().name();
        GenerationSink next = decision.escalation().<GenerationSink>map(e -> new CascadeSink(client, e,
                second -> callWorker(request, decision.escalated(), received, routed, second, pacing)))
                .orElse(client);
        GenerationSink sink = decision.model().equals(generic) ? next : new FallbackSink(next, client, generic,
                second -> callWorker(request, decision.fallenBackTo(generic), received, routed, second, pacing),
                operator);
        sink.onRoute(Routes.of(decision));
        callWorker(request, decision, received, routed, sink, pacing);
    }

    /**
     * A call that pins a model at its concurrency limit is refused before any work is done for it (its prompt
     * is classified only for the domain label).
     */
    private void refuseIfSaturated(String pinned, RequestCounting.CallRoute counted) {
        if (pinned.isEmpty()) {
            return;
        }
        Optional<StatusRuntimeException> refusal = dispatcher.refuseIfSaturated(pinned);
        if (refusal.isPresent()) {
            counted.set(Route.newBuilder().setModel(pinned).setChosenModel(pinned).build());
            throw refusal.get();
        }
    }

    /** One worker Generate call for {@code decision}; a cascade's first call asks for log-probabilities. */
    private void callWorker(GenerateRequest request, RouteDecision decision, long received, long routed,
                            GenerationSink sink, ClientPacing pacing) {
        String requestId = requestIds.issue(decision.model(), decision.domain(), decision.policy(), decision.arm());
        sink.onRequestId(requestId);
        GenerationParams params = decision.escalation().isPresent()
                ? request.getParams().toBuilder().setLogprobs(true).build() : request.getParams();
        WorkerGenerateRequest workerRequest = WorkerGenerateRequest.newBuilder().setModel(decision.model())
                .setPrompt(request.getPrompt()).setParams(params).build();
        GenerationCall call = new GenerationCall(requestId, decision, models.get(decision.model()), received, routed,
                outcomes, sink, pacing);
        dispatcher.generate(decision.model(), workerRequest, workerDeadlineMillis, call, call);
    }

    @Override
    public void score(ScoreRequest request, StreamObserver<ScoreResponse> responses) {
        long received = System.nanoTime();
        quietCancel(responses);
        GatewayMetrics metrics = outcomes.metrics();
        Traffic traffic = Traffic.current();
        RequestCounting.CallRoute counted = RequestCounting.route();
        RouteDecision decision;
        try {
            validator.check(request);
            refuseIfSaturated(request.getModel(), counted);
            decision = decide(traffic, request.getPrompt(), request.getDomainHint(), request.getModel(), "");
        } catch (StatusRuntimeException e) {
            responses.onError(e);
            return;
        }
        long routed = System.nanoTime();
        Route route = Routes.of(decision);
        counted.set(route);
        String requestId = requestIds.issue(decision.model(), decision.domain(), decision.policy(), decision.arm());
        ModelRoute model = models.get(decision.model());
        dispatcher.score(decision.model(), WorkerScoreRequest.newBuilder().setModel(decision.model())
                .setPrompt(request.getPrompt()).setContinuation(request.getContinuation()).build(), workerDeadlineMillis,
                new StreamObserver<>() {
                    @Override
                    public void onNext(WorkerScoreResponse r) {
                        long done = System.nanoTime();
                        int bytes = request.getContinuation().getBytes(StandardCharsets.UTF_8).length;
                        double cost = model.price().cost(r.getPromptTokens(), r.getTokensCount(), r.getTiming());
                        Timing timing = Timing.newBuilder()
                                .setRouteSeconds((routed - received) / NANOS)
                                .setQueueSeconds(r.getTiming().getQueueSeconds())
                                .setComputeSeconds(r.getTiming().getComputeSeconds())
                                .setTotalSeconds((done - received) / NANOS)
                                .build();
                        outcomes.modelCall(model.name(), decision.domain(), (done - routed) / NANOS, cost,
                                r.getPromptTokens(), r.getTokensCount());
                        metrics.requestTimed(traffic, "score", route, timing);
                        metrics.requestCost(traffic, route, cost);
                        responses.onNext(ScoreResponse.newBuilder()
                                .setRequestId(requestId)
                                .setLogprob(r.getLogprob())
                                .setLogprobPerByte(r.getLogprob() / bytes)
                                .addAllTokens(r.getTokensList())
                                .setRoute(route)
                                .setUsage(Usage.newBuilder().setPromptTokens(r.getPromptTokens())
                                        .setCompletionTokens(r.getTokensCount()).setCostUsd(cost))
                                .setTiming(timing)
                                .build());
                    }

                    @Override
                    public void onError(Throwable t) {
                        responses.onError(WorkerErrors.toClient(t, decision.model()));
                    }

                    @Override
                    public void onCompleted() {
                        responses.onCompleted();
                    }
                });
    }

    @Override
    public void feedback(FeedbackRequest request, StreamObserver<FeedbackResponse> responses) {
        try {
            validator.check(request);
            RequestIds.Attribution a = requestIds.verify(request.getRequestId()).orElseThrow(() ->
                    Failures.invalidField("request_id", "not a request id issued by this service (bad signature)"));
            if (System.currentTimeMillis() - a.issuedAtMillis() > FeedbackLedger.WINDOW_MILLIS) {
                throw Failures.of(ErrorReason.FEEDBACK_WINDOW_PASSED, "request_id: older than the 24 h feedback window")
                        .build();
            }
            boolean accepted = countOnce(a, request);
            if (accepted) {
                outcomes.quality("feedback", a.model(), a.domain(), a.policy(), a.arm(), request.getScore());
            }
            responses.onNext(FeedbackResponse.newBuilder().setAccepted(accepted).setRoute(Route.newBuilder()
                    .setModel(a.model()).setChosenModel(a.model()).setDomain(a.domain()).setPolicy(a.policy())
                    .setArm(a.arm())).build());
            responses.onCompleted();
        } catch (StatusRuntimeException e) {
            responses.onError(e);
        }
    }

    /**
     * Whether this feedback counts: the decision log's store decides when it answers (the first score per request
     * id across every replica sharing it); without a log, or when its store did not answer in time, this replica's
     * own ledger does (once per replica).
     */
    private boolean countOnce(RequestIds.Attribution a, FeedbackRequest request) {
        FeedbackReceipt receipt = decisions.feedback(request.getRequestId(), request.getScore(), request.getLabel());
        return switch (receipt) {
            case FIRST -> {
                feedback.record(a, request.getScore()); // remembered here too, for when the store is away
                yield true;
            }
            case REPEATED -> false;
            case UNAVAILABLE -> feedback.record(a, request.getScore());
        };
    }

    /**
     * The configured models, each ready when a worker that accepts calls last reported it ready: answered
     * from the state the pools poll in the background, so it makes no call and never waits.
     */
    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responses) {
        ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
        for (ModelRoute m : config.models()) {
            ModelInfo.Builder info = ModelInfo.newBuilder().setName(m.name()).setRole(m.role()).setDomain(m.domain())
                    .setPromptPricePer1K(m.price().promptPer1k()).setCompletionPricePer1K(m.price().completionPer1k())
                    .addAllEndpoints(m.endpoints());
            pools.readyStatus(m.name()).ifPresent(s -> info.setReady(true).setContextTokens(s.getContextTokens()));
            out.addModels(info);
        }
        responses.onNext(out.build());
        responses.onCompleted();
    }

    /**
     * Routes a generation request: a client's that neither pins a model nor asks for a policy is routed by the
     * experiment that covers it, when one does (its arm goes into the route and the decision row).
     */
    private RouteDecision decide(Traffic traffic, GenerateRequest request, DecisionTrace trace) {
        if (traffic != Traffic.CLIENT || !request.getModel().isEmpty() || !request.getPolicy().isEmpty()) {
            return decide(traffic, request.getPrompt(), request.getDomainHint(), request.getModel(), request.getPolicy());
        }
        DomainPrediction prediction = router.predict(request.getPrompt(), request.getDomainHint());
        outcomes.metrics().classified(prediction);
        Optional<ArmRoute> arm = experiments.route(prediction, request.getUnitId(), ApiKeyAuth.currentKeyName());
        arm.ifPresent(a -> trace.experiment(a.experiment(), a.unit(), a.settingsHash()));
        return arm.map(a -> a.route(prediction)).orElseGet(() -> router.route(prediction, ""));
    }

    /** Routes a request; a client's prompt also feeds the drift signal (what the classifier made of it). */
    private RouteDecision decide(Traffic traffic, String prompt, String hint, String pinned, String policy) {
        RouteDecision decision = pinned.isEmpty() ? router.route(prompt, hint, policy) : router.pinned(prompt, hint, pinned);
        if (traffic == Traffic.CLIENT) {
            outcomes.metrics().classified(decision.prediction());
        }
        return decision;
    }


    /** After the client leaves, late messages are dropped rather than thrown. */
    private static void quietCancel(StreamObserver<?> responses) {
        if (responses instanceof ServerCallStreamObserver<?> server) {
            server.setOnCancelHandler(() -> { });
        }
    }

    /** GenerateStream's sink: text chunks as they come, the route on the first, the whole response last. */
    private static final class StreamSink implements GenerationSink {
        private final StreamObserver<GenerateChunk> responses;
        private String requestId = "";
        private Route route;
        private volatile boolean delivered;

        StreamSink(StreamObserver<GenerateChunk> responses) {
            this.responses = responses;
        }

        @Override
        public void onRequestId(String id) {
            this.requestId = id;
        }

        @Override
        public void onRoute(Route firstRoute) {
            this.route = firstRoute;
        }

        @Override
        public void onDelta(String text, List<Token> tokens) {
            GenerateChunk.Builder chunk = GenerateChunk.newBuilder().setRequestId(requestId).setText(text);
            if (route != null) {
                chunk.setRoute(route);
                route = null;
            }
            responses.onNext(chunk.build());
            delivered = true;
        }

        @Override
        public boolean delivered() {
            return delivered;
        }

        @Override
        public void onDone(GenerateResponse response) {
            responses.onNext(GenerateChunk.newBuilder().setRequestId(response.getRequestId()).setFinal(response).build());
            responses.onCompleted();
        }

        @Override
        public void onError(StatusRuntimeException error) {
            responses.onError(error);
        }
    }
}
