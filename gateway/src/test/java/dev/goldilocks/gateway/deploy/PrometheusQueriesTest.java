package dev.goldilocks.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.gateway.AllInOne;
import dev.goldilocks.gateway.GatewayServer;
import dev.goldilocks.gateway.deploy.DeployFiles.PanelQuery;
import dev.goldilocks.gateway.deploy.DeployFiles.Rule;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ScoreRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dashboard query and every recording rule, run by a real Prometheus (Debian's, started through
 * deploy/local/run.sh) that scrapes the all-in-one and two more gateway replicas (made from deploy's
 * gateway.yaml) after a short burst of traffic: client calls of each kind and policy, feedback, probes,
 * shadow runs, a specialist whose worker is down on one replica (requests fall back, a pinned Score
 * fails), and a replica too busy for shadow traffic (shadow runs are dropped). Each query must return a series;
 * those that read a pending metric (deploy/pending.yaml) must parse and return none; the few that a
 * burst may leave empty are listed below with the reason. Every metric name the deploy files use must be
 * one the code registers, read from the real /metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusQueriesTest {

    private static final double PROBES_PER_SECOND = 2;
    /** What $__rate_interval stands for at a 1 s scrape interval; Grafana would use at least 4 intervals. */
    private static final String RATE_INTERVAL = "1m";
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
    /** Queries a short burst leaves without a series: no worker queue fills, so no request is refused for it. */
    private static final Map<String, String> MAY_BE_EMPTY = Map.of(
            "goldilocks-overview / Shed load / A", "no client request finds a worker queue full in a short burst",
            "goldilocks-overview / Shed load / B", "no worker queue fills in a short burst");

    private Path tmp;
    private final Pending pending = Pending.load();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AllInOne all;
    private GatewayServer replica;
    private GatewayServer busy;
    private Process prometheus;
    private String prometheusUrl;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        Tools.require("prometheus", "prometheus");
        // with a decision log, so that its metrics (and the alert on dropped rows) have series
        all = AllInOne.start(DeployFiles.models(), "127.0.0.1", 0, 0,
                AllInOne.Options.DEFAULT.withProbesPerSecond(PROBES_PER_SECOND).withDataDir(dir.resolve("data")));
        Path configDir = replicaConfigDir();
        replica = GatewayServer.start(ProcessConfigs.gateway(replicaConfig(freePort(), 256), configDir, pending));
        // with one call in flight allowed, the gateway admits no low-priority (shadow) call at all
        busy = GatewayServer.start(ProcessConfigs.gateway(replicaConfig(all.specialistWorkerPort(), 1), configDir, pending));
        burst();
        int port = freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder("bash", DeployFiles.deploy().resolve("local/run.sh").toString(),
                "--port", Integer.toString(port), "--interval", "1s",
                "127.0.0.1:" + all.metricsPort(), "127.0.0.1:" + replica.metricsPort(), "127.0.0.1:" + busy.metricsPort())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        await("Prometheus scrapes both targets", () -> {
            JsonNode targets = api("/api/v1/targets").path("activeTargets");
            return targets.size() == 3 && targets.findValuesAsText("health").stream().allMatch("up"::equals);
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            List<ProcessHandle> children = prometheus.descendants().toList();
            prometheus.destroy(); // run.sh stops Prometheus and removes its data
            if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
        for (GatewayServer gateway : new GatewayServer[] {replica, busy}) {
            if (gateway != null) {
                gateway.close();
            }
        }
        if (all != null) {
            all.close();
        }
        if (tmp != null) {
            PodFiles.removeModelLinks(tmp);
        }
    }

    @Test
    void everyDashboardQueryAndRecordingRuleReturnsASeries() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        for (PanelQuery q : DeployFiles.panelQueries()) {
            queries.put(q.where(), grafana(q.expr()));
        }
        for (Rule rule : DeployFiles.rules()) {
            if (!rule.alert()) {
                queries.put(rule.where(), rule.expr());
            }
        }
        assertThat(queries).hasSizeGreaterThan(80).containsKeys(MAY_BE_EMPTY.keySet().toArray(String[]::new));
        Map<String, String> expectSeries = new LinkedHashMap<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            JsonNode result = query(q.getValue()); // a query Prometheus cannot parse fails here
            if (pending.readsPending(q.getValue())) {
                assertThat(result).as(q.getKey() + " reads a pending metric: " + q.getValue()).isEmpty();
            } else if (!MAY_BE_EMPTY.containsKey(q.getKey())) {
                expectSeries.put(q.getKey(), q.getValue());
            }
        }
        List<String> empty = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        do {
            empty.clear();
            for (Map.Entry<String, String> q : expectSeries.entrySet()) {
                if (query(q.getValue()).isEmpty()) {
                    empty.add(q.getKey() + ": " + q.getValue());
                }
            }
        } while (!empty.isEmpty() && System.nanoTime() < deadline && pause());
        assertThat(empty).as("queries that returned no series (a metric name, label or rule that does not exist?)")
                .isEmpty();
    }

    @Test
    void everyRuleLoadsAndEvaluatesWithoutError() throws Exception {
        await("every rule evaluated once", () -> api("/api/v1/rules").findValuesAsText("health").stream()
                .noneMatch("unknown"::equals));
        List<String> seen = new ArrayList<>();
        for (JsonNode group : api("/api/v1/rules").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                seen.add(rule.path("name").asText());
                assertThat(rule.path("health").asText()).as(rule.path("name").asText() + ": " + rule.path("lastError").asText())
                        .isEqualTo("ok");
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(DeployFiles.rules().stream().map(Rule::name).toList());
    }

    /** A typo in a metric name fails here, whatever the burst did: names are checked against the real /metrics. */
    @Test
    void everyMetricNameTheDeployFilesUseIsOneTheCodeRegisters() throws Exception {
        Set<String> registered = new TreeSet<>();
        registered.addAll(scrapedNames(all.metricsPort()));
        registered.addAll(scrapedNames(replica.metricsPort()));
        registered.addAll(scrapedNames(busy.metricsPort()));
        Set<String> recorded = new TreeSet<>();
        DeployFiles.rules().stream().filter(r -> !r.alert()).forEach(r -> recorded.add(r.name()));
        Map<String, String> used = new LinkedHashMap<>();
        DeployFiles.panelQueries().forEach(q -> PromQl.metricNames(q.expr()).forEach(n -> used.putIfAbsent(n, q.where())));
        DeployFiles.rules().forEach(r -> PromQl.metricNames(r.expr()).forEach(n -> used.putIfAbsent(n, r.where())));
        autoscalingQueries().forEach(q -> PromQl.metricNames(q).forEach(n -> used.putIfAbsent(n, "deploy/k8s/autoscaling")));
        assertThat(used).containsKeys("goldilocks_requests_total", "goldilocks_worker_queue_length",
                "goldilocks_requests_in_flight");
        for (Map.Entry<String, String> name : used.entrySet()) {
            String where = name.getKey() + " (used by " + name.getValue() + ")";
            if (PromQl.isRecorded(name.getKey())) {
                assertThat(recorded).as(where + " is a recording rule").contains(name.getKey());
            } else if (pending.isPendingSeries(name.getKey())) {
                assertThat(registered).as(where + " is registered now: remove it from deploy/pending.yaml")
                        .doesNotContain(name.getKey());
            } else {
                assertThat(registered).as(where + " is registered by the code").contains(name.getKey());
            }
        }
        for (String name : pending.metrics()) {
            assertThat(used.keySet()).as("deploy/pending.yaml lists " + name + ", which nothing uses")
                    .anyMatch(n -> Pending.isSeriesOf(name, n));
            assertThat(registered).as(name + " is registered now: remove it from deploy/pending.yaml")
                    .noneMatch(n -> Pending.isSeriesOf(name, n));
        }
    }

    /** Client traffic of each kind through the three gateways; the replica's legal specialist is down. */
    private void burst() throws Exception {
        ManagedChannel a = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
        ManagedChannel b = NettyChannelBuilder.forAddress("127.0.0.1", replica.port()).usePlaintext().build();
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", busy.port()).usePlaintext().build();
        try {
            GoldilocksGrpc.newBlockingStub(c).withDeadlineAfter(2, TimeUnit.MINUTES).generate(generate("math", ""));
            GoldilocksGrpc.GoldilocksBlockingStub allInOne = GoldilocksGrpc.newBlockingStub(a).withDeadlineAfter(2, TimeUnit.MINUTES);
            GoldilocksGrpc.GoldilocksBlockingStub degraded = GoldilocksGrpc.newBlockingStub(b).withDeadlineAfter(2, TimeUnit.MINUTES);
            String requestId = "";
            for (String domain : List.of("code", "legal", "prose", "math")) {
                requestId = allInOne.generate(generate(domain, "")).getRequestId();
                allInOne.generate(generate(domain, "generic-only"));
            }
            allInOne.generate(generate("math", "cascade"));
            allInOne.generate(generate("code", "cascade"));
            allInOne.generate(generate("legal", "threshold"));
            allInOne.generateStream(generate("prose", "")).forEachRemaining(chunk -> { });
            allInOne.score(ScoreRequest.newBuilder().setPrompt("2 + 2 =").setContinuation(" 4").setModel("math-specialist").build());
            assertThat(allInOne.feedback(FeedbackRequest.newBuilder().setRequestId(requestId).setScore(1).build()).getAccepted()).isTrue();
            assertThatThrownBy(() -> allInOne.generate(generate("code", "").toBuilder()
                    .setParams(GenerationParams.newBuilder().setTopP(1.5f)).build()))
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

            GenerateResponse fellBack = degraded.generate(generate("legal", ""));
            assertThat(fellBack.getRoute().getFallback()).as("the legal specialist is down on the replica").isTrue();
            assertThatThrownBy(() -> degraded.score(ScoreRequest.newBuilder().setPrompt("The court")
                    .setContinuation(" held").setModel("legal-specialist").build()))
                    .isInstanceOf(StatusRuntimeException.class)
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            degraded.generate(generate("code", ""));
            degraded.generate(generate("math", ""));
        } finally {
            a.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            b.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static GenerateRequest generate(String domain, String policy) {
        String prompt = switch (domain) {
            case "code" -> "public static int max(int a, int b) {";
            case "legal" -> "The court held that";
            case "math" -> "What is 47 + 38?";
            default -> "Once upon a time";
        };
        return GenerateRequest.newBuilder().setPrompt(prompt).setDomainHint(domain).setPolicy(policy)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(8).setTemperature(0)).build();
    }

    /**
     * deploy's gateway.yaml as another replica in front of the all-in-one's workers, with what a test
     * machine needs instead: local ports and endpoints, no API keys (the placeholder lets nobody in), a
     * signing key inline, probes left to the all-in-one, every client request shadowed, the legal
     * specialist at {@code legalPort}, and {@code maxInFlight} calls at once.
     */
    private JsonNode replicaConfig(int legalPort, int maxInFlight) {
        ObjectNode yaml = (ObjectNode) DeployFiles.yaml(DeployFiles.deploy().resolve("k8s/base/config/gateway.yaml"));
        yaml.put("host", "127.0.0.1").put("port", 0).put("metrics_port", 0);
        ((ObjectNode) yaml.path("limits")).put("max_in_flight", maxInFlight);
        // no secrets here, nor the cluster's PostgreSQL: the replicas take a key inline and log no decisions
        // (the all-in-one logs to DuckDB, so the decision log's metrics have series)
        yaml.remove(List.of("signing_key_file", "auth", "decision_log"));
        yaml.put("signing_key", "deploy-test-signing-key-0123456789");
        ((ObjectNode) yaml.path("probes")).put("enabled", false);
        ((ObjectNode) yaml.path("shadow")).put("share", 1.0).put("max_concurrent", 4);
        yaml.path("models").properties().forEach(model -> {
            int port = switch (model.getKey()) {
                case "generic" -> all.genericWorkerPort();
                case "legal-specialist" -> legalPort;
                default -> all.specialistWorkerPort();
            };
            ((ObjectNode) model.getValue()).putArray("endpoints").add("127.0.0.1:" + port);
        });
        return yaml;
    }

    /** The folder the config's relative paths resolve against, with ../models as in the image. */
    private Path replicaConfigDir() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("opt/goldilocks/config"));
        Files.createSymbolicLink(tmp.resolve("opt/goldilocks/models"), DeployFiles.models());
        return dir;
    }

    private static String grafana(String expr) {
        Matcher m = VARIABLE.matcher(expr.replace("$__rate_interval", RATE_INTERVAL));
        return m.replaceAll(".*"); // a multi-value variable set to All: its allValue
    }

    private static List<String> autoscalingQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        Path dir = DeployFiles.deploy().resolve("k8s/autoscaling");
        DeployFiles.yaml(dir.resolve("prometheus-adapter-rules.yaml")).path("rules")
                .forEach(r -> queries.add(r.path("seriesQuery").asText()));
        try (var docs = DeployFiles.YAML.readerFor(JsonNode.class).readValues(dir.resolve("keda-scaledobject.yaml").toFile())) {
            while (docs.hasNext()) {
                ((JsonNode) docs.next()).path("spec").path("triggers").forEach(t -> queries.add(t.path("metadata").path("query").asText()));
            }
        }
        return queries;
    }

    private Set<String> scrapedNames(int port) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Set<String> names = new TreeSet<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private JsonNode query(String promql) throws Exception {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result");
    }

    private JsonNode api(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = DeployFiles.JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as(path + ": " + body.path("error").asText()).isEqualTo("success");
        return body.path("data");
    }

    private void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                // Prometheus is still starting
            }
            assertThat(System.nanoTime()).as(what + " within " + PATIENCE + "; log: " + tmp.resolve("prometheus.log"))
                    .isLessThan(deadline);
            assertThat(prometheus == null || prometheus.isAlive()).as("Prometheus exited: "
                    + (prometheus == null ? "" : Files.readString(tmp.resolve("prometheus.log")))).isTrue();
            pause();
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** The poll period while waiting for scrapes and rule evaluations (each every second). */
    private static boolean pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
