package dev.goldilocks.gateway;

import dev.goldilocks.common.grpc.EventLoops;
import dev.goldilocks.common.grpc.GrpcServers;
import dev.goldilocks.common.grpc.ParseErrors;
import dev.goldilocks.common.grpc.ServingProcess;
import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.decisions.DecisionAdmin;
import dev.goldilocks.gateway.decisions.DecisionLogging;
import dev.goldilocks.gateway.decisions.DecisionRecorder;
import dev.goldilocks.gateway.decisions.OffPolicyEvaluator;
import dev.goldilocks.gateway.decisions.StoredHistory;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.dispatch.DispatchMetrics;
import dev.goldilocks.gateway.dispatch.Dispatcher;
import dev.goldilocks.gateway.dispatch.LoadShedding;
import dev.goldilocks.gateway.dispatch.WorkerPools;
import dev.goldilocks.gateway.experiments.Experiments;
import dev.goldilocks.gateway.openai.OpenAiHttpServer;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.quality.EvalItem;
import dev.goldilocks.gateway.quality.ProbeLog;
import dev.goldilocks.gateway.quality.ProbeRunner;
import dev.goldilocks.gateway.quality.CachedReport;
import dev.goldilocks.gateway.quality.ReportPages;
import dev.goldilocks.gateway.quality.Scoreboard;
import dev.goldilocks.gateway.quality.ShadowRunner;
import dev.goldilocks.gateway.quality.TradeoffReport;
import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.gateway.security.ApiKeyAuth;
import dev.goldilocks.gateway.service.AdminService;
import dev.goldilocks.gateway.service.RequestIds;
import dev.goldilocks.gateway.service.GatewayMetrics;
import dev.goldilocks.gateway.service.GatewayService;
import dev.goldilocks.gateway.service.GatewayAdmission;
import dev.goldilocks.gateway.service.RequestCounting;
import dev.goldilocks.gateway.service.Outcomes;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ReportResponse;
import dev.goldilocks.proto.v1.Route;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway process's public gRPC server. {@link #close()} drains: NOT_SERVING, then in-flight calls finish. */
public final class GatewayServer implements AutoCloseable {

    /** Probed items kept for comparing policies (each answered by every candidate model). */
    private static final int PROBE_LOG_ITEMS = 5000;
    /** A report is rebuilt at most this often, however many read it. */
    private static final long REPORT_MAX_AGE_MILLIS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** The logger of events an operator must see (breakers, failover, fallback, load shedding, refused keys). */
    private static final String OPERATOR_EVENTS = "dev.goldilocks.gateway.events";
    /** At most one line per kind of operator event per interval; the next line says how many were skipped. */
    private static final Duration OPERATOR_INTERVAL = Duration.ofSeconds(10);

    private final ServingProcess process;
    private final WorkerPools pools;
    /** The public port's and the worker connections' event loops (one connection per loop and worker). */
    private final EventLoops loops;
    private final RouterFactory routing;
    private final ProbeRunner probes;
    private final ShadowRunner shadow;
    private final ManagedChannel self;
    private final Server selfServer;
    private final CachedReport<ReportResponse> report;
    private final OpenAiHttpServer openAi;
    private final DecisionLogging decisionLog;
    private final DecisionAdmin decisionAdmin;
    private final Experiments experiments;

    private GatewayServer(ServingProcess process, WorkerPools pools, EventLoops loops, RouterFactory routing,
                          ProbeRunner probes,
                          ShadowRunner shadow, ManagedChannel self, Server selfServer, CachedReport<ReportResponse> report,
                          OpenAiHttpServer openAi, DecisionLogging decisionLog, DecisionAdmin decisionAdmin,
                          Experiments experiments) {
        this.experiments = experiments;
        this.openAi = openAi;
        this.decisionLog = decisionLog;
        this.decisionAdmin = decisionAdmin;
        this.self = self;
        this.selfServer = selfServer;
        this.report = report;
        this.process = process;
        this.pools = pools;
        this.loops = loops;
        this.routing = routing;
        this.probes = probes;
        this.shadow = shadow;
    }

    /** A gateway with its own metrics registry, served on config.metricsPort() unless that is -1. */
    public static GatewayServer start(GatewayConfig config) throws IOException {
        return start(config, MetricsEndpoint.newRegistry());
    }

    /** A gateway whose metrics go to {@code registry} (the all-in-one shares one between its servers). */
    public static GatewayServer start(GatewayConfig config, PrometheusMeterRegistry registry) throws IOException {
        RouterFactory routing = RouterFactory.create(config);
        DecisionLogging decisionLog;
        try {
            decisionLog = DecisionLogging.open(config.decisionLog(), registry, config.signingKey(), routing.specs());
        } catch (RuntimeException e) {
            routing.close();
            throw e;
        }
        DecisionRecorder recorder = decisionLog.recorder();
        String generic = routing.router().catalog().generic().name();
        Experiments experiments = Experiments.start(decisionLog, routing.specs(), routing::routerFor, config.domains(),
                generic, registry);
        RateLimitedLog operator = new RateLimitedLog(LoggerFactory.getLogger(OPERATOR_EVENTS), OPERATOR_INTERVAL);
        DispatchMetrics dispatchMetrics = new DispatchMetrics(registry);
        EventLoops loops = EventLoops.create("gateway");
        WorkerPools pools = new WorkerPools(config.models(), config.maxInboundBytes(), config.dispatch(), config.workerTls(),
                Optional.of(loops), dispatchMetrics, operator);
        Dispatcher dispatcher = new Dispatcher(pools, config.dispatch(), dispatchMetrics, operator);
        GatewayAdmission admission = new GatewayAdmission(config.limits().maxInFlight(), dispatcher::everyModelSaturated,
                dispatchMetrics, new LoadShedding(operator, "gateway"));
        Gauge.builder("goldilocks.requests.in.flight", admission, GatewayAdmission::inFlight)
                .description("Public API calls in flight at this gateway").register(registry);
        HealthStatusManager health = new HealthStatusManager();
        ExecutorService executor = GrpcServers.boundedExecutor("gateway-grpc");
        Scoreboard scoreboard = new Scoreboard();
        AtomicReference<ShadowRunner> shadowRef = new AtomicReference<>(); // set once the port is known
        ProbeLog probeLog = new ProbeLog(PROBE_LOG_ITEMS, routing.router()::classify);
        Outcomes outcomes = new Outcomes(routing.stats(), new GatewayMetrics(registry), scoreboard);
        TradeoffReport tradeoff = new TradeoffReport(scoreboard, probeLog, routing.router(), routing.stats(),
                config.routing(), config.models().stream().collect(Collectors.toMap(ModelRoute::name, m -> m)));
        StoredHistory history = new StoredHistory(decisionLog, config.decisionLog().retention());
        CachedReport<ReportResponse> report = new CachedReport<>(() -> history.addTo(tradeoff.build()), REPORT_MAX_AGE_MILLIS);
        DecisionAdmin decisionAdmin = new DecisionAdmin(decisionLog,
                new OffPolicyEvaluator(routing.specs(), routing::routerFor));
        // the gateway's own probe and shadow clients get a key of their own when keys are required
        String internalKey = config.apiKeys().isEmpty() ? null : RequestIds.randomToken();
        ServerInterceptor auth = auth(config, internalKey, registry, operator);
        // the counting runs first and sees every call end, refusals by the key check or the door included
        ServerServiceDefinition api = ServerInterceptors.intercept(ParseErrors.asInvalidArgument(new GatewayService(config,
                routing.router(), outcomes, pools, dispatcher,
                (request, answer) -> {
                    ShadowRunner runner = shadowRef.get();
                    if (runner != null) {
                        runner.offer(request, answer);
                    }
                    experiments.answered(request, answer);
                }, operator, recorder, experiments.live(), onHandlerThread(loops, executor)).bindService()), admission,
                auth,
                new RequestCounting(outcomes.metrics()));
        ServerServiceDefinition admin = ServerInterceptors.intercept(new AdminService(report, decisionAdmin,
                experiments.admin()), auth);
        NettyServerBuilder server = loops.serve(GrpcServers.builder(config.host(), config.port(),
                        config.maxInboundBytes(), executor, health, config.tls()), executor, GatewayServer::onItsLoop)
                .addService(ServerInterceptors.intercept(api, Traffic.ignoreClaims()))
                .addService(ServerInterceptors.intercept(admin, Traffic.ignoreClaims()));
        // the gateway's own probe and shadow traffic: the same services and interceptors, in-process, so it
        // needs no route to the public port (nor a client certificate under mutual TLS)
        String selfName = InProcessServerBuilder.generateName();
        Server selfServer = InProcessServerBuilder.forName(selfName).executor(executor)
                .maxInboundMessageSize(config.maxInboundBytes()).addService(api).build();
        ServingProcess process;
        OpenAiHttpServer openAi = null;
        try {
            selfServer.start();
            if (config.openAiHttp().enabled()) {
                // HTTP clients' calls go through what the public port's do, in-process, as client traffic
                openAi = OpenAiHttpServer.start(config.openAiHttp(), ServerInterceptors.intercept(api,
                        Traffic.ignoreClaims()), config.maxInboundBytes(), config.routing().defaultPolicy(),
                        config.routing().allowRequestPolicy() ? routing.router().policyNames().stream().sorted().toList()
                                : List.of(), registry);
            }
            process = ServingProcess.start("gateway", server, health, executor, registry, config.host(),
                    config.metricsPort(), config.drain());
        } catch (IOException e) {
            if (openAi != null) {
                openAi.close();
            }
            selfServer.shutdownNow();
            report.close();
            decisionAdmin.close();
            experiments.close();
            decisionLog.close();
            routing.close();
            pools.close();
            loops.close();
            throw e;
        }
        warmUpMessages();
        process.serving(GoldilocksGrpc.SERVICE_NAME, GoldilocksAdminGrpc.SERVICE_NAME);
        if (process.http() != null) {
            ReportPages.serve(process.http(), report, config.apiKeys());
            experiments.servePages(process.http(), config.apiKeys());
        }
        LOG.info("gateway serving on {}:{}", config.host(), process.port());
        ManagedChannel self = InProcessChannelBuilder.forName(selfName).maxInboundMessageSize(config.maxInboundBytes())
                .build();
        experiments.startJudge(self, internalKey, recorder, generic);
        ProbeRunner probes = null;
        if (config.probes().enabled()) {
            probes = startProbes(config, routing, outcomes, probeLog, self, internalKey, recorder);
        }
        ShadowRunner shadow = null;
        if (config.shadow().share() > 0) {
            shadow = new ShadowRunner(routing.router().catalog(), config.shadow().share(),
                    config.shadow().maxConcurrent(), shadowSink(outcomes, recorder), self, internalKey,
                    new SplittableRandom());
            shadowRef.set(shadow);
        }
        return new GatewayServer(process, pools, loops, routing, probes, shadow, self, selfServer, report, openAi,
                decisionLog, decisionAdmin, experiments);
    }

    /**
     * Protobuf builds its reflection over a message with map fields lazily, on first use: the first request
     * paid 0.2 to 0.5 s for it in validation (the request's metadata map) before it was done here, before
     * SERVING (the classifier's tiers are warmed by {@link RouterFactory}).
     */
    private static void warmUpMessages() {
        GenerateRequest.newBuilder().putMetadata("k", "v").build().getMetadataMap().size();
        Route.newBuilder().putEstimates("k", 0).build().getEstimatesMap().size();
    }

    /** Pairwise shadow comparisons as metrics, and as win rates (1, 0, or 0.5 for a tie) on the scoreboard. */
    private static ShadowRunner.Sink shadowSink(Outcomes outcomes, DecisionRecorder recorder) {
        return new ShadowRunner.Sink() {
            @Override
            public void compared(String requestId, String domain, String served, String alternative, double delta) {
                recorder.shadowJudged(requestId, served, alternative, delta);
                double win = Double.isNaN(delta) || Math.abs(delta) < ShadowRunner.TIE ? 0.5 : delta > 0 ? 1 : 0;
                outcomes.metrics().shadowComparison(domain, served, alternative, win, delta);
                outcomes.quality("shadow", served, domain, "shadow", "", win);
                outcomes.quality("shadow", alternative, domain, "shadow", "", 1 - win);
            }

            @Override
            public void shed(String domain) {
                outcomes.metrics().shadowShed(domain);
            }
        };
    }

    /** API keys for the public and admin services; with none configured, a pass-through. */
    private static ServerInterceptor auth(GatewayConfig config, String internalKey, MeterRegistry registry,
                                          RateLimitedLog operator) {
        if (config.apiKeys().isEmpty()) {
            LOG.warn("no API keys configured: anyone who reaches {}:{} may call the gateway{}", config.host(),
                    config.port(), isLoopback(config.host()) ? " (loopback only)" : "");
            return new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                   ServerCallHandler<Q, R> next) {
                    return next.startCall(call, headers);
                }
            };
        }
        List<ApiKey> keys = new java.util.ArrayList<>(config.apiKeys());
        keys.add(new ApiKey("internal", ApiKey.hash(internalKey), 1e6));
        LOG.info("API keys required: {} client keys", config.apiKeys().size());
        return new ApiKeyAuth(keys, registry, operator);
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    }

    private static ProbeRunner startProbes(GatewayConfig config, RouterFactory routing, Outcomes outcomes,
                                           ProbeLog probeLog, ManagedChannel self, String internalKey,
                                           DecisionRecorder recorder) throws IOException {
        List<EvalItem> items = EvalItem.readAll(config.probes().evalDir());
        ProbeRunner probes = new ProbeRunner(items, routing.router().catalog(), new ProbeRunner.Sink() {
            @Override
            public void quality(String model, String domain, double score) {
                outcomes.quality("probe", model, domain, "probe", "", score);
            }

            @Override
            public void loglikPerByte(String model, String domain, double perByte) {
                outcomes.metrics().probeLoglik(model, domain, perByte);
            }

            @Override
            public void probed(EvalItem item, Map<String, ProbeLog.Result> byModel) {
                probeLog.add(item, byModel);
            }

            @Override
            public void scored(String requestId, EvalItem item, double score, OptionalDouble loglikPerByte) {
                recorder.probeScored(requestId, item.id(), item.metric(), score, loglikPerByte);
            }
        }, self, internalKey, new SplittableRandom());
        probes.start(config.probes().itemsPerSecond());
        LOG.info("probes: {} held-out items at {} per second", items.size(), config.probes().itemsPerSecond());
        return probes;
    }

    public int port() {
        return process.port();
    }

    /** The OpenAI-compatible HTTP port, or -1 when this gateway serves none. */
    public int openAiPort() {
        return openAi == null ? -1 : openAi.port();
    }

    /** The OpenAI-compatible base URL (http://host:port/v1), or null when this gateway serves none. */
    public String openAiUrl() {
        return openAi == null ? null : openAi.url();
    }

    /** The /metrics port, or -1 when this gateway serves none. */
    public int metricsPort() {
        return process.metricsPort();
    }

    public void awaitTermination() throws InterruptedException {
        process.awaitTermination();
    }

    /**
     * Drains: probes and shadow traffic stop first (they call this gateway); then the drain of
     * {@link ServingProcess#drain} (NOT_SERVING while still accepting for the pre-stop period, no new calls,
     * calls in flight finish within the grace period, the rest end with SHUTTING_DOWN, which cancels their
     * worker calls); only then the worker channels and the router's classifier close.
     */
    @Override
    public void close() {
        if (probes != null) {
            probes.close();
        }
        if (shadow != null) {
            shadow.close();
        }
        experiments.close(); // its judge calls this gateway, and its monitor reads the store
        self.shutdownNow();
        selfServer.shutdownNow();
        report.close();
        decisionAdmin.close();
        if (openAi != null) {
            openAi.beginDrain(); // both surfaces drain at once
        }
        process.close();
        if (openAi != null) {
            openAi.close();
        }
        decisionLog.close(); // after the drain: every call has ended and left its row
        pools.close();
        loops.close(); // after the server and the worker channels on them
        routing.close();
    }

    /**
     * The public port's generations run on their connection's event loop: without a prompt to classify a call
     * does microseconds of work, and the hand-off to a handler thread and back cost more (two thread wake-ups,
     * load-tests/results/hop-findings.md). The other methods may block (a store, a report) and run on handler
     * threads.
     */
    private static boolean onItsLoop(MethodDescriptor<?, ?> method) {
        String name = method.getFullMethodName();
        return name.equals(GoldilocksGrpc.getGenerateMethod().getFullMethodName())
                || name.equals(GoldilocksGrpc.getGenerateStreamMethod().getFullMethodName());
    }

    /** Runs a task on a handler thread when it was about to run on a transport thread, else where it is. */
    private static Executor onHandlerThread(EventLoops loops, Executor handlers) {
        return task -> {
            if (loops.onLoopThread()) {
                handlers.execute(task);
            } else {
                task.run();
            }
        };
    }

    /** The decision log (its health, and a flush for tests and tools that read it back). */
    public DecisionLogging decisionLog() {
        return decisionLog;
    }
}
