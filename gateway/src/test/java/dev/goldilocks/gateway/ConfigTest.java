package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.common.grpc.DrainSettings;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.store.DecisionLogSettings;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.worker.config.WorkerConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration files: defaults for what is left out, and errors that name the offending key. */
class ConfigTest {

    private static final String MODELS = """
            models:
              generic: {role: generic, endpoints: ["w1:7001", "w2:7001"], price: {prompt_per_1k: 0.01, completion_per_1k: 0.02}}
              math-specialist: {role: specialist, domain: math, endpoints: ["w3:7001"], prior: {quality: {math: 0.8}}, price: {per_device_hour: 3.6}}
            """;

    private static GatewayConfig gateway(String yaml) {
        return GatewayConfigReader.read(ConfigNode.parse(yaml, "test.yaml"), Path.of("."));
    }

    @Test
    void aMinimalGatewayConfigTakesTheDefaults() {
        GatewayConfig c = gateway("signing_key: 0123456789abcdef0123\n" + MODELS);
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.routing().defaultPolicy()).isEqualTo("specialist-by-domain");
        assertThat(c.routing().domains()).containsExactly("code", "legal", "prose", "math");
        assertThat(c.models()).hasSize(2);
        assertThat(c.models().get(0).endpoints()).containsExactly("w1:7001", "w2:7001");
        assertThat(c.models().get(1).prior().quality("math")).isEqualTo(0.8);
        assertThat(c.models().get(1).price().cost(100, 100, 2.0)).as("two device seconds at $3.60 an hour")
                .isCloseTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.limits().maxNewTokens()).isEqualTo(256);
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> gateway("prot: 8080\n" + MODELS)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("prot: is not a known key");
        assertThatThrownBy(() -> gateway("port: 99999\n" + MODELS)).hasMessageStartingWith("port: must be between");
        assertThatThrownBy(() -> gateway("routing: {default_policy: coin-flip}\n" + MODELS))
                .hasMessageStartingWith("routing.default_policy: must be one of");
        assertThatThrownBy(() -> gateway("routing: {utility: {lambda_per_usd: -1}}\n" + MODELS))
                .hasMessageStartingWith("routing.utility.lambda_per_usd:");
        assertThatThrownBy(() -> gateway(MODELS.replace("domain: math", "domain: astrology")))
                .hasMessageStartingWith("models.math-specialist.domain:");
        assertThatThrownBy(() -> gateway(MODELS.replace("\"w3:7001\"", "\"w3\"")))
                .hasMessageStartingWith("models.math-specialist.endpoints: 'w3' is not host:port");
        assertThatThrownBy(() -> gateway("models: {a: {role: specialist, domain: math, endpoints: [\"x:1\"]}}"))
                .hasMessageStartingWith("models: exactly one model must have role: generic");
    }

    @Test
    void theDecisionLogIsDuckDbNextToTheConfigFileUnlessConfiguredAndItsKeysAreNamed() {
        GatewayConfig defaults = GatewayConfigReader.read(ConfigNode.parse("signing_key: 0123456789abcdef0123\n"
                + MODELS, "gateway.yaml"), Path.of("/etc/goldilocks"));
        assertThat(defaults.decisionLog().store()).isEqualTo(DecisionLogSettings.Kind.DUCKDB);
        assertThat(defaults.decisionLog().path()).isEqualTo(Path.of("/etc/goldilocks/data/decision-log.duckdb"));
        GatewayConfig off = gateway("decision_log: {store: off}\n" + MODELS);
        assertThat(off.decisionLog().store()).isEqualTo(DecisionLogSettings.Kind.OFF);
        assertThatThrownBy(() -> gateway("decision_log: {store: postgresql}\n" + MODELS))
                .hasMessageStartingWith("decision_log.url: is required when store is postgresql");
        assertThatThrownBy(() -> gateway("decision_log: {batch_size: 0}\n" + MODELS))
                .hasMessageStartingWith("decision_log.batch_size:");
        assertThat(gateway("routing: {seed: 7}\n" + MODELS).routing().seed()).hasValue(7);
        assertThat(gateway(MODELS).routing().seed()).isEmpty();
    }

    @Test
    void theDeterministicPoliciesExplorationFloorIsOffUnlessConfigured() {
        String key = "signing_key: 0123456789abcdef0123\n";
        assertThat(gateway(key + MODELS).routing().deterministicExplorationFloor()).isZero();
        GatewayConfig explored = gateway(key + "routing: {exploration_floor: 0.05, bandit: {exploration_floor: 0.2}}\n"
                + MODELS);
        assertThat(explored.routing().deterministicExplorationFloor()).isEqualTo(0.05);
        assertThat(explored.routing().explorationFloor()).as("the bandit's own floor").isEqualTo(0.2);
        assertThatThrownBy(() -> gateway(key + "routing: {exploration_floor: 0.7}\n" + MODELS))
                .hasMessageStartingWith("routing.exploration_floor: must be between 0");
    }

    @Test
    void workerConfigResolvesModelPathsAgainstTheFilesFolder() {
        WorkerConfig c = WorkerConfigReader.read(ConfigNode.parse("""
                port: 7001
                models:
                  generic: {path: ../models/generic, threads: 2}
                """, "worker.yaml"), Path.of("/etc/goldilocks"));
        assertThat(c.models().get(0).path()).isEqualTo(Path.of("/etc/models/generic"));
        assertThat(c.models().get(0).maxQueue()).isEqualTo(64);
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse(
                "models: {generic: {path: x, threads: 0}}", "worker.yaml"), Path.of(".")))
                .hasMessageStartingWith("models.generic.threads: must be between 1 and 256, got 0");
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse(
                "models: {generic: {path: x, device: gpu}}", "worker.yaml"), Path.of(".")))
                .hasMessageStartingWith("models.generic.device: must be cpu or cuda:N");
    }

    @Test
    void workerConfigNamesBatchingRolePriceAndEncoderFiles() {
        WorkerConfig c = WorkerConfigReader.read(ConfigNode.parse("""
                models:
                  math-specialist: {path: m, role: specialist, domain: math, max_batch_size: 16,
                                    max_queue_delay_us: 500, usd_per_1k_completion_tokens: 0.002}
                  minilm: {kind: encoder, model_file: "classpath:/all-minilm-l6-v2-q.onnx",
                           tokenizer_file: "classpath:/all-minilm-l6-v2-q-tokenizer.json"}
                """, "worker.yaml"), Path.of("/etc/goldilocks"));
        assertThat(c.models().get(0).maxBatchSize()).isEqualTo(16);
        assertThat(c.models().get(0).maxQueueDelayMicros()).isEqualTo(500);
        assertThat(c.models().get(0).info().domain()).contains("math");
        assertThat(c.models().get(0).info().usdPer1kCompletionTokens()).isEqualTo(0.002);
        assertThat(c.models().get(0).modelFile()).isEqualTo("/etc/goldilocks/m/model.onnx");
        assertThat(c.models().get(1).modelFile()).isEqualTo("classpath:/all-minilm-l6-v2-q.onnx");
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse(
                "models: {s: {path: x, role: specialist}}", "worker.yaml"), Path.of(".")))
                .hasMessageStartingWith("models.s.domain: a specialist needs its domain");
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse(
                "models: {s: {model_file: x.onnx}}", "worker.yaml"), Path.of(".")))
                .hasMessageStartingWith("models.s.path");
    }

    @Test
    void drainPeriodsAreReadForGatewayAndWorkerWithErrorsThatNameTheKey() {
        assertThat(gateway("signing_key: 0123456789abcdef0123\n" + MODELS).drain()).isEqualTo(DrainSettings.DEFAULT);
        assertThat(DrainSettings.DEFAULT).isEqualTo(new DrainSettings(Duration.ZERO, Duration.ofSeconds(30)));
        assertThat(gateway("signing_key: 0123456789abcdef0123\ndrain: {pre_stop_seconds: 10, grace_seconds: 45.5}\n"
                + MODELS).drain()).isEqualTo(new DrainSettings(Duration.ofSeconds(10), Duration.ofMillis(45_500)));
        assertThatThrownBy(() -> gateway("drain: {grace_seconds: -1}\n" + MODELS))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("drain.grace_seconds: must be between");
        assertThatThrownBy(() -> gateway("drain: {pre_stop: 5}\n" + MODELS))
                .hasMessageStartingWith("drain.pre_stop: is not a known key");
        WorkerConfig worker = WorkerConfigReader.read(ConfigNode.parse(
                "drain: {pre_stop_seconds: 5}\nmodels: {generic: {path: x}}", "worker.yaml"), Path.of("."));
        assertThat(worker.drain()).isEqualTo(new DrainSettings(Duration.ofSeconds(5), Duration.ofSeconds(30)));
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse(
                "drain: {pre_stop_seconds: 7200}\nmodels: {generic: {path: x}}", "worker.yaml"), Path.of(".")))
                .hasMessageStartingWith("drain.pre_stop_seconds: must be between 0");
    }
}
