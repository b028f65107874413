package dev.goldilocks.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose (no Docker here, so it is not run): the files it mounts exist, the gateway's endpoints
 * and Prometheus' targets are its services on the ports their YAML sets, and it waits out the drain.
 */
class DeployComposeTest {

    private static final Path COMPOSE = DeployFiles.deploy().resolve("compose");

    @Test
    void servicesMountTheProcessesYamlAndAnswerOnTheirPorts() {
        JsonNode services = DeployFiles.yaml(COMPOSE.resolve("compose.yaml")).path("services");
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            for (JsonNode volume : service.getValue().path("volumes")) {
                Path source = COMPOSE.resolve(volume.asText().split(":")[0]).normalize();
                assertThat(source).as(service.getKey() + " mounts " + source).exists();
            }
        }
        JsonNode gateway = DeployFiles.yaml(DeployFiles.deploy().resolve("k8s/base/config/gateway.yaml"));
        for (JsonNode model : gateway.path("models")) {
            for (JsonNode endpoint : model.path("endpoints")) {
                String[] hostPort = endpoint.asText().split(":");
                JsonNode worker = services.path(hostPort[0]);
                assertThat(worker.isMissingNode()).as(endpoint + " is a compose service").isFalse();
                assertThat(workerYaml(worker).path("port").asInt()).isEqualTo(Integer.parseInt(hostPort[1]));
            }
        }
        for (String name : List.of("goldilocks-gateway", "goldilocks-worker-generic", "goldilocks-worker-specialists")) {
            JsonNode service = services.path(name);
            JsonNode yaml = name.equals("goldilocks-gateway") ? gateway : workerYaml(service);
            double[] drain = ProcessConfigs.drainSeconds(yaml);
            assertThat(Double.parseDouble(service.path("stop_grace_period").asText().replace("s", "")))
                    .as(name + " waits out the drain").isGreaterThanOrEqualTo(drain[0] + drain[1]);
            assertThat(service.path("image").asText()).startsWith(name.equals("goldilocks-gateway")
                    ? "goldilocks-gateway:" : "goldilocks-worker:");
        }
    }

    @Test
    void prometheusScrapesEachServiceOnItsMetricsPort() throws Exception {
        Tools.Result check = Tools.run(Duration.ofMinutes(1), COMPOSE,
                List.of(Tools.require("promtool", "prometheus").toString(), "check", "config", "prometheus.yml"));
        assertThat(check.code()).as(check.both()).isZero();
        JsonNode services = DeployFiles.yaml(COMPOSE.resolve("compose.yaml")).path("services");
        List<String> targets = new ArrayList<>();
        DeployFiles.yaml(COMPOSE.resolve("prometheus.yml")).path("scrape_configs").forEach(job -> job.path("static_configs")
                .forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText()))));
        assertThat(targets).hasSize(3);
        for (String target : targets) {
            String[] hostPort = target.split(":");
            JsonNode service = services.path(hostPort[0]);
            JsonNode yaml = hostPort[0].equals("goldilocks-gateway")
                    ? DeployFiles.yaml(DeployFiles.deploy().resolve("k8s/base/config/gateway.yaml")) : workerYaml(service);
            assertThat(yaml.path("metrics_port").asInt()).as(target).isEqualTo(Integer.parseInt(hostPort[1]));
        }
    }

    private static JsonNode workerYaml(JsonNode service) {
        String mount = service.path("volumes").get(0).asText();
        return DeployFiles.yaml(COMPOSE.resolve(mount.split(":")[0]).normalize());
    }
}
