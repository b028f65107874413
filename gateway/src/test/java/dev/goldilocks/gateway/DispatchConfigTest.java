package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.worker.config.WorkerConfigReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The dispatch section (breakers, retries, each model's concurrency limit) and the worker's queue timeout. */
class DispatchConfigTest {

    private static final String MODELS = """
            signing_key: 0123456789abcdef0123
            models:
              generic: {role: generic, endpoints: ["w1:7001"]}
            """;

    private static DispatchSettings dispatch(String yaml) {
        return GatewayConfigReader.read(ConfigNode.parse(yaml + MODELS, "test.yaml"), Path.of(".")).dispatch();
    }

    @Test
    void eachModelHasAnAdaptiveLimitByDefaultAndAFixedOneOnRequest() {
        assertThat(dispatch("").modelLimit()).isEqualTo(ModelLimitSettings.defaults());
        assertThat(dispatch("dispatch: {model_limit: {algorithm: fixed, max: 12}}\n").modelLimit())
                .isEqualTo(ModelLimitSettings.fixed(12));
        ModelLimitSettings vegas = dispatch("dispatch: {model_limit: {algorithm: vegas, initial: 8, max: 32}}\n")
                .modelLimit();
        assertThat(vegas.algorithm()).isEqualTo("vegas");
        assertThat(vegas.initial()).isEqualTo(8);
        assertThat(vegas.max()).isEqualTo(32);
        assertThat(dispatch("dispatch: {retry_attempts: 3, breaker_slow_call_seconds: 5}\n"))
                .extracting(DispatchSettings::retryAttempts, DispatchSettings::breakerSlowSeconds).containsExactly(3, 5.0);
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> dispatch("dispatch: {model_limit: {algorithm: aimd}}\n"))
                .hasMessageStartingWith("dispatch.model_limit.algorithm: must be one of");
        assertThatThrownBy(() -> dispatch("dispatch: {model_limit: {max: 4, min: 8}}\n"))
                .hasMessageStartingWith("dispatch.model_limit.min: must be between 1 and 4");
        assertThatThrownBy(() -> dispatch("dispatch: {bulkhead_per_model: 64}\n"))
                .hasMessageStartingWith("dispatch.bulkhead_per_model: is not a known key");
    }

    @Test
    void aWorkerModelMayRefuseRequestsThatWaitedTooLong() {
        String yaml = """
                models:
                  generic: {path: ../models/generic, queue_timeout_ms: 5000}
                """;
        assertThat(WorkerConfigReader.read(ConfigNode.parse(yaml, "worker.yaml"), Path.of(".")).models().get(0)
                .queueTimeoutMillis()).isEqualTo(5000);
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse(yaml.replace("5000", "-1"), "worker.yaml"),
                Path.of("."))).hasMessageStartingWith("models.generic.queue_timeout_ms:");
    }
}
