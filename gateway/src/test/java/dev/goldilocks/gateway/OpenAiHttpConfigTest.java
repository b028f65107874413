package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.gateway.config.OpenAiHttpSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The openai_http section of the gateway's YAML: off by default, every key checked and named. */
class OpenAiHttpConfigTest {

    private static final String MODELS = """
            models:
              generic: {role: generic, endpoints: ["w1:7001"]}
            """;

    private static GatewayConfig gateway(String yaml) {
        return GatewayConfigReader.read(ConfigNode.parse("signing_key: 0123456789abcdef0123\n" + yaml + MODELS,
                "test.yaml"), Path.of("."));
    }

    @Test
    void theSurfaceIsOffUnlessEnabledAndTakesTheGatewaysHost() {
        assertThat(gateway("").openAiHttp().enabled()).isFalse();
        OpenAiHttpSettings on = gateway("host: 0.0.0.0\nopenai_http: {enabled: true, port: 0, max_body_bytes: 2048,"
                + " idle_timeout_seconds: 5, request_timeout_seconds: 30, io_threads: 1}\n").openAiHttp();
        assertThat(on).isEqualTo(new OpenAiHttpSettings(true, "0.0.0.0", 0, 2048, 5, 30, 1));
        assertThat(gateway("openai_http: {enabled: true}\n").openAiHttp().port()).isEqualTo(OpenAiHttpSettings.DEFAULT_PORT);
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> gateway("openai_http: {enable: true}\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("openai_http.enable: is not a known key");
        assertThatThrownBy(() -> gateway("openai_http: {port: 70000}\n"))
                .hasMessageStartingWith("openai_http.port: must be between 0 and 65535");
        assertThatThrownBy(() -> gateway("openai_http: {max_body_bytes: 10}\n"))
                .hasMessageStartingWith("openai_http.max_body_bytes: must be between");
        assertThatThrownBy(() -> gateway("openai_http: {enabled: yes please}\n"))
                .hasMessageStartingWith("openai_http.enabled: must be true or false");
        assertThatThrownBy(() -> gateway("openai_http: 8000\n")).hasMessageStartingWith("openai_http: must be a mapping");
    }
}
