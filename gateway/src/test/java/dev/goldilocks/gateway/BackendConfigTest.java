package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.OpenAiBackendSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** models.<name>.backend: a worker model's endpoints, or an OpenAI-compatible server, with errors naming the key. */
class BackendConfigTest {

    private static final String KEY = "sk-secret-0123456789";

    private static GatewayConfig gateway(String models, Path dir) {
        return GatewayConfigReader.read(ConfigNode.parse("signing_key: 0123456789abcdef0123\nmodels:\n" + models,
                "gateway.yaml"), dir);
    }

    private static String generic(String backend) {
        return "  generic: {role: generic, " + backend + ", price: {prompt_per_1k: 0.5, completion_per_1k: 1.5}}\n";
    }

    @Test
    void anOpenAiBackendReadsItsUrlModelChatAndKeyFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vllm-key"), KEY + "\n");
        GatewayConfig config = gateway(generic("backend: {kind: openai, base_url: 'http://vllm:8000/v1/',"
                + " model: Qwen/Qwen2.5-7B-Instruct, chat: true, api_key_file: vllm-key}")
                + "  math-specialist: {role: specialist, domain: math, endpoints: [\"w:7001\"]}\n", dir);

        ModelRoute generic = config.models().get(0);
        OpenAiBackendSettings backend = generic.openAi().orElseThrow();
        assertThat(backend.baseUrl()).isEqualTo("http://vllm:8000/v1");
        assertThat(backend.model()).isEqualTo("Qwen/Qwen2.5-7B-Instruct");
        assertThat(backend.chat()).isTrue();
        assertThat(backend.apiKey()).contains(KEY);
        assertThat(backend.uri("/chat/completions").toString()).isEqualTo("http://vllm:8000/v1/chat/completions");
        assertThat(generic.endpoints()).as("what ListModels shows").containsExactly("http://vllm:8000/v1");
        assertThat(generic.price().cost(1000, 1000)).isEqualTo(2.0);
        assertThat(backend.toString()).doesNotContain(KEY).contains("(set)");
        assertThat(generic.toString()).doesNotContain(KEY);
        assertThat(config.models().get(1).openAi()).as("workers by default").isEmpty();
    }

    @Test
    void aBaseUrlWithoutAPathMeansTheServersV1AndTheModelDefaultsToItsOwnName(@TempDir Path dir) {
        OpenAiBackendSettings backend = gateway(generic("backend: {kind: openai, base_url: 'https://api.example.com'}"),
                dir).models().get(0).openAi().orElseThrow();
        assertThat(backend.baseUrl()).isEqualTo("https://api.example.com/v1");
        assertThat(backend.model()).isEqualTo("generic");
        assertThat(backend.chat()).isFalse();
        assertThat(backend.apiKey()).isEmpty();
    }

    @Test
    void errorsNameTheKey(@TempDir Path dir) {
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai}"), dir)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("models.generic.backend.base_url: is required");
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai, base_url: 'ftp://x/v1'}"), dir))
                .hasMessageStartingWith("models.generic.backend.base_url: must be an http:// or https:// URL");
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai, base_url: 'http://me:pw@x/v1'}"), dir))
                .hasMessageStartingWith("models.generic.backend.base_url: must not hold credentials");
        assertThatThrownBy(() -> gateway(generic("backend: {kind: vllm, base_url: 'http://x/v1'}"), dir))
                .hasMessageStartingWith("models.generic.backend.kind: must be one of");
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai, base_url: 'http://x/v1'}, endpoints: [\"w:1\"]"),
                dir)).hasMessageStartingWith("models.generic.endpoints: a model with backend kind openai");
        assertThatThrownBy(() -> gateway(generic("endpoints: [\"w:1\"], backend: {base_url: 'http://x/v1'}"), dir))
                .hasMessageStartingWith("models.generic.backend.base_url: only for kind: openai");
        assertThatThrownBy(() -> gateway("  generic: {role: generic, backend: {kind: openai, base_url: 'http://x/v1'},"
                + " price: {per_device_hour: 2}}\n", dir))
                .hasMessageStartingWith("models.generic.price.per_device_hour: an OpenAI-compatible backend reports"
                        + " no device time");
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai, base_url: 'http://x/v1', modle: m}"), dir))
                .hasMessageStartingWith("models.generic.backend.modle: is not a known key");
    }

    @Test
    void anUnreadableOrEmptyKeyFileFailsAtStartWithoutShowingAKey(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai, base_url: 'http://x/v1',"
                + " api_key_file: missing-key}"), dir))
                .hasMessageStartingWith("models.generic.backend.api_key_file: cannot read");
        Files.writeString(dir.resolve("empty-key"), "\n");
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai, base_url: 'http://x/v1',"
                + " api_key_file: empty-key}"), dir))
                .hasMessageStartingWith("models.generic.backend.api_key_file:").hasMessageContaining("is empty");
        Files.writeString(dir.resolve("two-keys"), KEY + " " + KEY);
        assertThatThrownBy(() -> gateway(generic("backend: {kind: openai, base_url: 'http://x/v1',"
                + " api_key_file: two-keys}"), dir))
                .hasMessageStartingWith("models.generic.backend.api_key_file:").hasMessageNotContaining(KEY);
    }
}
