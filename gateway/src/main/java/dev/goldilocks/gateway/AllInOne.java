package dev.goldilocks.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.OpenAiHttpSettings;
import dev.goldilocks.gateway.config.Price;
import dev.goldilocks.gateway.config.ProbeSettings;
import dev.goldilocks.gateway.config.ShadowSettings;
import dev.goldilocks.worker.WorkerServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.ModelInfo;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.router.RoutingSettings;
import dev.goldilocks.router.SpecialistByDomainPolicy;
import dev.goldilocks.router.stats.Prior;
import dev.goldilocks.store.DecisionLogSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded default: in one process, a worker with the generic model, a worker with the specialists,
 * and the gateway in front, all on real sockets. Models and prices come from models/manifest.json. The
 * gateway config it exposes has metrics and the OpenAI-compatible HTTP surface off, so replicas started from
 * it in tests do not fight for a port.
 */
public final class AllInOne implements AutoCloseable {

    /** Dollars per FLOP: prices follow each model's FLOPs per token, so cost ratios are honest. */
    static final double USD_PER_FLOP = 1e-12;
    /** The share of client requests the demo shadows (with probes on). */
    static final double SHADOW_SHARE = 0.05;
    /**
     * The share of requests `serve`'s deterministic policies send to the other candidate, so that the decision
     * log can score other policies off-policy (production gateways default to none).
     */
    public static final double EXPLORATION_FLOOR = 0.05;
    /** An echo model's queue: answered at once, it holds as many as a benchmark keeps in flight and more. */
    private static final int ECHO_MAX_QUEUE = 1024;

    private final WorkerServer genericWorker;
    private final WorkerServer specialistWorker;
    private final GatewayServer gateway;
    private final GatewayConfig gatewayConfig;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private AllInOne(WorkerServer genericWorker, WorkerServer specialistWorker, GatewayServer gateway,
                     GatewayConfig gatewayConfig) {
        this.genericWorker = genericWorker;
        this.specialistWorker = specialistWorker;
        this.gateway = gateway;
        this.gatewayConfig = gatewayConfig;
    }

    /** Starts everything without probes; metrics on one /metrics endpoint (port 0: ephemeral, -1: none). */
    public static AllInOne start(Path modelsDir, String host, int gatewayPort, int metricsPort) throws IOException {
        return start(modelsDir, host, gatewayPort, metricsPort, 0);
    }

    /**
     * Starts everything, with probes at {@code probesPerSecond} held-out items per second and shadow traffic
     * on a small share of client requests (0: neither), and the OpenAI-compatible HTTP surface on an
     * ephemeral port.
     */
    public static AllInOne start(Path modelsDir, String host, int gatewayPort, int metricsPort, double probesPerSecond)
            throws IOException {
        return start(modelsDir, host, gatewayPort, metricsPort, Options.DEFAULT.withProbesPerSecond(probesPerSecond));
    }

    /**
     * What `serve` and the tests choose; everything else follows the manifest.
     *
     * @param probesPerSecond  held-out items probed per second, with shadow traffic on a small share of client
     *                         requests (0: neither)
     * @param explorationFloor the share the deterministic routing policies send to the other candidate, in
     *                         [0, 0.5] (0: they always take their pick)
     * @param openAiPort       the OpenAI-compatible HTTP surface's port (0: ephemeral, -1: none)
     * @param dataDir          where the decision log lives (none: no decision log)
     * @param echo             the workers host echo models under the demo models' names (they compute nothing:
     *                         for measuring the serving path, the same gateway in front)
     */
    public record Options(double probesPerSecond, double explorationFloor, int openAiPort, Optional<Path> dataDir,
                          boolean echo) {
        /**
         * No probes, no shadow traffic, no exploration, no decision log; the OpenAI-compatible surface on an
         * ephemeral port.
         */
        public static final Options DEFAULT = new Options(0, 0, 0);

        /** The demo models, no decision log. */
        public Options(double probesPerSecond, double explorationFloor, int openAiPort) {
            this(probesPerSecond, explorationFloor, openAiPort, Optional.empty(), false);
        }

        public Options withProbesPerSecond(double perSecond) {
            return new Options(perSecond, explorationFloor, openAiPort, dataDir, echo);
        }

        public Options withExplorationFloor(double floor) {
            return new Options(probesPerSecond, floor, openAiPort, dataDir, echo);
        }

        public Options withDataDir(Path dir) {
            return new Options(probesPerSecond, explorationFloor, openAiPort, Optional.of(dir), echo);
        }

        /** Echo models in place of the demo models. */
        public Options withEcho() {
            return new Options(probesPerSecond, explorationFloor, openAiPort, dataDir, true);
        }
    }

    /** Starts everything with {@code options}. */
    public static AllInOne start(Path modelsDir, String host, int gatewayPort, int metricsPort, Options options)
            throws IOException {
        double probesPerSecond = options.probesPerSecond();
        double explorationFloor = options.explorationFloor();
        int openAiPort = options.openAiPort();
        DataDirectory data = options.dataDir().isPresent() ? DataDirectory.open(options.dataDir().get()) : null;
        PrometheusMeterRegistry registry = MetricsEndpoint.newRegistry();
        JsonNode manifest = new ObjectMapper().readTree(modelsDir.resolve("manifest.json").toFile());
        List<ModelConfig> generic = new ArrayList<>();
        List<ModelConfig> specialists = new ArrayList<>();
        for (Map.Entry<String, JsonNode> m : manifest.get("models").properties()) {
            boolean isGeneric = m.getValue().get("role").asText().equals("generic");
            // the large model gets both cores' worth of threads, the small ones one each; up to 16
            // sequences of a model decode together in its continuous batch
            ModelConfig config = options.echo()
                    ? ModelConfig.echo(m.getKey(), ModelConfig.DEFAULT_ECHO_CONTEXT_TOKENS, ECHO_MAX_QUEUE, 256,
                            ModelInfo.UNSPECIFIED)
                    : new ModelConfig(m.getKey(), ModelConfig.CAUSAL_LM, modelsDir.resolve(m.getKey()), "cpu",
                            isGeneric ? 2 : 1, 16, 64, 256);
            (isGeneric ? generic : specialists).add(config);
        }
        WorkerServer genericWorker = WorkerServer.start(new WorkerConfig(host, 0, 4 << 20, 64, generic, -1), registry);
        WorkerServer specialistWorker;
        try {
            specialistWorker = WorkerServer.start(new WorkerConfig(host, 0, 4 << 20, 64, specialists, -1), registry);
        } catch (IOException e) {
            genericWorker.close();
            throw e;
        }
        List<ModelRoute> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> m : manifest.get("models").properties()) {
            JsonNode model = m.getValue();
            boolean isGeneric = model.get("role").asText().equals("generic");
            double per1k = model.get("flops_per_token").asDouble() * 1000 * USD_PER_FLOP;
            int port = isGeneric ? genericWorker.port() : specialistWorker.port();
            Price price = new Price(per1k, per1k);
            routes.add(new ModelRoute(m.getKey(), model.get("role").asText(),
                    isGeneric ? "" : model.get("domain").asText(), List.of(host + ":" + port), price,
                    offlinePrior(model.get("heldout"), price)));
        }
        byte[] key = data != null ? data.signingKey() : DataDirectory.randomKey();
        Path classifier = modelsDir.resolve("router/domain-classifier.json");
        RoutingSettings routing = new RoutingSettings(GatewayConfigReader.DEFAULT_DOMAINS,
                SpecialistByDomainPolicy.NAME, true,
                Files.isRegularFile(classifier) ? Optional.of(classifier) : Optional.empty(),
                1, 0.8, -1.5, 100, 0.1, 0.05, 500, explorationFloor);
        GatewayConfig config = new GatewayConfig(host, gatewayPort, 4 << 20, key, 60,
                new Limits(32 * 1024, 256, 4096, 256, 256), routing, routes, metricsPort,
                new ProbeSettings(probesPerSecond > 0, Math.max(probesPerSecond, 0.001), modelsDir.resolve("eval")),
                probesPerSecond > 0 ? new ShadowSettings(SHADOW_SHARE, 1) : ShadowSettings.off(),
                DispatchSettings.defaults(), List.of(), Optional.empty(), Optional.empty());
        OpenAiHttpSettings openAi = openAiPort >= 0 ? OpenAiHttpSettings.on(host, openAiPort) : OpenAiHttpSettings.off();
        try {
            // replicas started from the exposed config log nowhere: one DuckDB file has one writer
            return new AllInOne(genericWorker, specialistWorker, GatewayServer.start(config.withOpenAiHttp(openAi)
                    .withDecisionLog(data != null ? data.decisionLog() : DecisionLogSettings.off()), registry),
                    config.withMetricsPort(-1).withProbes(ProbeSettings.off()).withShadow(ShadowSettings.off()));
        } catch (IOException e) {
            genericWorker.close();
            specialistWorker.close();
            throw e;
        }
    }

    /**
     * The manifest's held-out scores as the prior quality per domain: exact match for math, chrF of the
     * greedy continuation elsewhere (both in [0, 1]).
     */
    static Prior offlinePrior(JsonNode heldout, Price price) {
        Map<String, Double> quality = new java.util.LinkedHashMap<>();
        heldout.properties().forEach(d -> quality.put(d.getKey(),
                d.getValue().has("exact_match") ? d.getValue().get("exact_match").asDouble()
                        : d.getValue().get("chrf").asDouble()));
        return new Prior(quality, 0, price.cost(GatewayConfigReader.TYPICAL_PROMPT_TOKENS,
                GatewayConfigReader.TYPICAL_COMPLETION_TOKENS), 10);
    }

    /** The gateway's configuration, for starting more gateway replicas in front of the same workers. */
    public GatewayConfig gatewayConfig() {
        return gatewayConfig;
    }

    public int metricsPort() {
        return gateway.metricsPort();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    /** The OpenAI-compatible HTTP port, or -1 when it was not started. */
    public int openAiPort() {
        return gateway.openAiPort();
    }

    /** The OpenAI-compatible base URL (http://host:port/v1), or null when it was not started. */
    public String openAiUrl() {
        return gateway.openAiUrl();
    }

    public int genericWorkerPort() {
        return genericWorker.port();
    }

    public int specialistWorkerPort() {
        return specialistWorker.port();
    }

    /** Returns once {@link #close} has finished. */
    public void awaitTermination() throws InterruptedException {
        closed.await();
    }

    /** The gateway's decision log (off without a data directory). */
    public dev.goldilocks.gateway.decisions.DecisionLogging decisionLog() {
        return gateway.decisionLog();
    }

    /**
     * Drains the gateway first (it lets its calls to the workers finish, and after its grace period ends the
     * rest, which cancels their worker calls), then the workers, each joining its model threads before
     * closing their sessions. A second call waits for the first to finish.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            gateway.close();
            specialistWorker.close();
            genericWorker.close();
        } finally {
            closed.countDown();
        }
    }
}
