package dev.goldilocks.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/k8s rendered by `kubectl kustomize` (each overlay; with every kubectl named in
 * $GOLDILOCKS_KUBECTL, colon-separated, or the one on the PATH), every object parsed and checked for what
 * a cluster would trip on: images, probes on the ports the processes listen on, resources, selectors,
 * what the PDBs and HPAs target, the processes' YAML in the ConfigMaps (read by the real readers in a
 * replica of the pod's file system), and a termination grace that covers the drain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KustomizeManifestsTest {

    private static final List<String> OVERLAYS = List.of("cpu", "gpu");
    private static final Set<String> WORKER_POOLS = Set.of("generic", "specialists");

    private final List<Manifests> renders = new ArrayList<>();
    private final Pending pending = Pending.load();
    private String version;

    @BeforeAll
    void render() throws Exception {
        Matcher m = Pattern.compile("<artifactId>goldilocks-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(DeployFiles.root().resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        version = m.group(1);
        for (String kubectl : kubectls()) {
            for (String overlay : OVERLAYS) {
                Tools.Result result = Tools.run(Duration.ofMinutes(2), DeployFiles.root(),
                        List.of(kubectl, "kustomize", "deploy/k8s/overlays/" + overlay));
                assertThat(result.code()).as(kubectl + " kustomize " + overlay + ": " + result.err()).isZero();
                renders.add(Manifests.parse(overlay + " (" + kubectl + ")", result.out()));
            }
        }
    }

    Stream<Manifests> renders() {
        return renders.stream();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void rendersAGatewayAndADeploymentWithAHeadlessServicePerWorkerPool(Manifests m) {
        Map<String, Integer> kinds = new TreeMap<>();
        m.objects().forEach(o -> kinds.merge(o.path("kind").asText(), 1, Integer::sum));
        assertThat(kinds).containsEntry("Deployment", 3).containsEntry("Service", 3)
                .containsEntry("PodDisruptionBudget", 3).containsEntry("HorizontalPodAutoscaler", 3)
                .containsEntry("ConfigMap", 3).containsEntry("Secret", 2).containsEntry("Ingress", 1);
        m.objects().forEach(o -> assertThat(o.path("metadata").path("namespace").asText())
                .as(m.overlay() + " " + Manifests.name(o)).isEqualTo("goldilocks"));
        for (String pool : WORKER_POOLS) {
            JsonNode service = m.one("Service", "goldilocks-worker-" + pool);
            assertThat(service.path("spec").path("clusterIP").asText()).as(pool + " is headless").isEqualTo("None");
            assertThat(m.deploymentsSelectedBy(service.path("spec").path("selector"))).extracting(Manifests::name)
                    .containsExactly("goldilocks-worker-" + pool);
        }
        JsonNode gateway = m.one("Service", "goldilocks-gateway");
        assertThat(m.deploymentsSelectedBy(gateway.path("spec").path("selector"))).extracting(Manifests::name)
                .containsExactly("goldilocks-gateway");
    }

    @ParameterizedTest
    @MethodSource("renders")
    void imagesAreTheJibImagesOfThisVersion(Manifests m) throws Exception {
        String pom = Files.readString(DeployFiles.root().resolve("gateway/pom.xml"))
                + Files.readString(DeployFiles.root().resolve("pom.xml"));
        String worker = m.overlay().startsWith("gpu") ? "goldilocks-worker-cuda" : "goldilocks-worker";
        assertThat(pom).contains("<image>goldilocks-gateway:${project.version}</image>", ">" + worker + "<",
                "<into>" + PodFiles.IMAGE_MODELS + "</into>");
        for (JsonNode d : m.all("Deployment")) {
            String expected = (Manifests.name(d).equals("goldilocks-gateway") ? "goldilocks-gateway" : worker) + ":" + version;
            assertThat(Manifests.container(d).path("image").asText()).as(Manifests.name(d)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void selectorsMatchAndEachPdbAndHpaTargetsItsDeployment(Manifests m) throws Exception {
        JsonNode adapter = DeployFiles.yaml(DeployFiles.deploy().resolve("k8s/autoscaling/prometheus-adapter-rules.yaml"));
        Set<String> served = new HashSet<>();
        adapter.path("rules").forEach(r -> served.add(r.path("name").path("as").asText()));
        for (JsonNode d : m.all("Deployment")) {
            String name = Manifests.name(d);
            assertThat(Manifests.matches(d.path("spec").path("selector").path("matchLabels"),
                    d.path("spec").path("template").path("metadata").path("labels"))).as(name + " selects its pods").isTrue();
            assertThat(m.deploymentsSelectedBy(d.path("spec").path("selector").path("matchLabels")))
                    .extracting(Manifests::name).as(name + "'s selector picks no other pods").containsExactly(name);
            JsonNode pdb = m.one("PodDisruptionBudget", name);
            assertThat(m.deploymentsSelectedBy(pdb.path("spec").path("selector").path("matchLabels")))
                    .extracting(Manifests::name).containsExactly(name);
            JsonNode hpa = m.one("HorizontalPodAutoscaler", name).path("spec");
            assertThat(hpa.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
            assertThat(hpa.path("scaleTargetRef").path("name").asText()).isEqualTo(name);
            assertThat(hpa.path("minReplicas").asInt()).isPositive().isLessThanOrEqualTo(hpa.path("maxReplicas").asInt());
            for (JsonNode metric : hpa.path("metrics")) {
                assertThat(metric.path("type").asText()).as(name + ": scales on demand, not on utilisation").isEqualTo("Pods");
                assertThat(served).as(name + ": prometheus-adapter serves its metric")
                        .contains(metric.path("pods").path("metric").path("name").asText());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void everyContainerHasResourcesAHeapShareAndTheRightDevice(Manifests m) {
        boolean gpu = m.overlay().startsWith("gpu");
        for (JsonNode d : m.all("Deployment")) {
            String name = Manifests.name(d);
            JsonNode resources = Manifests.container(d).path("resources");
            for (String kind : List.of("requests", "limits")) {
                assertThat(resources.path(kind).path("cpu").asText()).as(name + " " + kind + ".cpu").isNotEmpty();
                assertThat(resources.path(kind).path("memory").asText()).as(name + " " + kind + ".memory").isNotEmpty();
            }
            List<String> env = new ArrayList<>();
            Manifests.container(d).path("env").forEach(e -> env.add(e.path("name").asText() + "=" + e.path("value").asText()));
            assertThat(env).as(name + " heap").anyMatch(e -> e.startsWith("JAVA_TOOL_OPTIONS=") && e.contains("-XX:MaxRAMPercentage="));
            JsonNode pod = d.path("spec").path("template").path("spec");
            boolean gpuWorker = gpu && !name.equals("goldilocks-gateway");
            assertThat(resources.path("limits").path("nvidia.com/gpu").asText("")).as(name + " GPUs")
                    .isEqualTo(gpuWorker ? "1" : "");
            if (gpuWorker) {
                assertThat(pod.path("nodeSelector").path("nvidia.com/gpu.present").asText()).isEqualTo("true");
                assertThat(pod.path("tolerations").findValuesAsText("key")).contains("nvidia.com/gpu");
            } else {
                assertThat(pod.path("nodeSelector").isMissingNode()).as(name + " runs on any node").isTrue();
            }
        }
    }

    /**
     * The processes' YAML from the rendered ConfigMaps, read by the real readers in a replica of each pod's
     * file system (ConfigMaps and Secrets where the pod mounts them, the models where the image has them):
     * the probes and ports match what the process listens on, every gateway endpoint is a headless
     * Service whose pods serve that model, the device fits the overlay, and the termination grace covers
     * the drain.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void theProcessesConfigurationMatchesThePodsAroundIt(Manifests m, @TempDir Path tmp) throws Exception {
        Map<String, WorkerConfig> workers = new TreeMap<>();
        for (String pool : WORKER_POOLS) {
            JsonNode d = m.one("Deployment", "goldilocks-worker-" + pool);
            Path file = PodFiles.layOut(m, d, tmp.resolve(pool));
            JsonNode yaml = DeployFiles.yaml(file);
            WorkerConfig worker = ProcessConfigs.worker(yaml, file.getParent(), pending);
            workers.put(Manifests.name(d), worker);
            checkPod(d, worker.port(), worker.metricsPort(), yaml);
            for (ModelConfig model : worker.models()) {
                assertThat(model.device()).as(pool + " " + model.name()).isEqualTo(m.overlay().startsWith("gpu") ? "cuda:0" : "cpu");
                assertThat(model.path().resolve("model.onnx")).as(model.name() + " is in the image").isRegularFile();
            }
        }
        JsonNode d = m.one("Deployment", "goldilocks-gateway");
        Path file = PodFiles.layOut(m, d, tmp.resolve("gateway"));
        JsonNode yaml = DeployFiles.yaml(file);
        GatewayConfig gateway = ProcessConfigs.gateway(yaml, file.getParent(), pending);
        checkPod(d, gateway.port(), gateway.metricsPort(), yaml);
        assertThat(gateway.apiKeys()).as("API keys from the mounted Secret").isNotEmpty();
        assertThat(gateway.probes().enabled()).isTrue();
        assertThat(gateway.probes().evalDir()).isDirectory();
        for (ModelRoute model : gateway.models()) {
            for (String endpoint : model.endpoints()) {
                String[] hostPort = endpoint.split(":");
                JsonNode service = m.one("Service", hostPort[0]);
                assertThat(service.path("spec").path("ports").findValuesAsText("port"))
                        .as(endpoint).contains(hostPort[1]);
                List<JsonNode> pods = m.deploymentsSelectedBy(service.path("spec").path("selector"));
                assertThat(pods).as(endpoint + " selects one worker pool").hasSize(1);
                WorkerConfig worker = workers.get(Manifests.name(pods.get(0)));
                assertThat(worker.models()).extracting(ModelConfig::name).as(endpoint + " serves " + model.name())
                        .contains(model.name());
                assertThat(worker.port()).isEqualTo(Integer.parseInt(hostPort[1]));
            }
        }
        PodFiles.removeModelLinks(tmp);
    }

    @ParameterizedTest
    @MethodSource("renders")
    void secretsArePlaceholdersAndTlsEndsAtTheIngress(Manifests m) {
        for (JsonNode secret : m.all("Secret")) {
            secret.path("data").properties().forEach(e -> assertThat(new String(java.util.Base64.getMimeDecoder()
                    .decode(e.getValue().asText()))).as(Manifests.name(secret) + "/" + e.getKey()
                    + ": deploy/k8s/base/secrets must hold placeholders, never real secrets").containsIgnoringCase("placeholder"));
        }
        JsonNode ingress = m.all("Ingress").get(0).path("spec");
        JsonNode tls = m.one("Secret", ingress.path("tls").get(0).path("secretName").asText());
        assertThat(tls.path("type").asText()).isEqualTo("kubernetes.io/tls");
        assertThat(tls.path("data").has("tls.crt") && tls.path("data").has("tls.key")).isTrue();
        JsonNode backend = ingress.path("rules").get(0).path("http").path("paths").get(0).path("backend").path("service");
        JsonNode service = m.one("Service", backend.path("name").asText());
        assertThat(service.path("spec").path("ports").findValuesAsText("name")).contains(backend.path("port").path("name").asText());
    }

    private static void checkPod(JsonNode deployment, int grpcPort, int metricsPort, JsonNode yaml) {
        String name = Manifests.name(deployment);
        JsonNode container = Manifests.container(deployment);
        assertThat(Manifests.containerPort(container, "grpc")).as(name + " gRPC port").isEqualTo(grpcPort);
        assertThat(Manifests.containerPort(container, "metrics")).as(name + " metrics port").isEqualTo(metricsPort);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(container.path(probe).path("grpc").path("port").asInt()).as(name + " " + probe + " is a gRPC health check on the gRPC port")
                    .isEqualTo(grpcPort);
        }
        double[] drain = ProcessConfigs.drainSeconds(yaml);
        int grace = deployment.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt();
        assertThat((double) grace).as(name + ": termination grace covers pre-stop + grace").isGreaterThanOrEqualTo(drain[0] + drain[1]);
        JsonNode liveness = container.path("livenessProbe");
        assertThat((double) liveness.path("periodSeconds").asInt() * liveness.path("failureThreshold").asInt())
                .as(name + ": liveness cannot fail a pod while it drains (NOT_SERVING)").isGreaterThan(drain[0] + drain[1]);
    }

    private static List<String> kubectls() {
        String configured = System.getenv("GOLDILOCKS_KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return List.of(configured.split(":"));
        }
        return List.of(Tools.require("kubectl", "kubernetes-client").toString());
    }
}
