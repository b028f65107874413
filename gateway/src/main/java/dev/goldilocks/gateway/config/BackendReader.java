package dev.goldilocks.gateway.config;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A model's {@code backend} section: {@code kind: worker} (the default; the model's {@code endpoints} are
 * worker addresses) or {@code kind: openai} with {@code base_url}, {@code model} (its name on that server;
 * default: the model's own name), {@code chat} (default false) and {@code api_key_file}. The key is read
 * once, here; no message ever shows it.
 */
final class BackendReader {

    static final String WORKER = "worker";
    static final String OPENAI = "openai";
    private static final List<String> OPENAI_KEYS = List.of("base_url", "model", "chat", "api_key_file");

    private BackendReader() {
    }

    /** The OpenAI-compatible server of the model, or empty for a model served by workers. */
    static Optional<OpenAiBackendSettings> read(ConfigNode node, String modelName, Path baseDir) {
        String kind = node.oneOf("kind", WORKER, Set.of(WORKER, OPENAI));
        if (kind.equals(WORKER)) {
            for (String key : OPENAI_KEYS) {
                if (node.has(key)) {
                    throw node.error(key, "only for kind: openai (a worker model's addresses are its endpoints)");
                }
            }
            return Optional.empty();
        }
        String baseUrl = baseUrl(node);
        String model = node.string("model", modelName);
        if (model.isBlank()) {
            throw node.error("model", "must not be empty");
        }
        return Optional.of(new OpenAiBackendSettings(baseUrl, model, node.bool("chat", false),
                apiKey(node, baseDir)));
    }

    /**
     * An http(s) URL as OpenAI SDKs take it ({@code http://vllm:8000/v1}); one without a path means the
     * server's {@code /v1}. Credentials in it are refused: they belong in api_key_file.
     */
    private static String baseUrl(ConfigNode node) {
        String text = node.requiredString("base_url");
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw node.error("base_url", "not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
            throw node.error("base_url", "must be an http:// or https:// URL with a host, like http://vllm:8000/v1");
        }
        if (uri.getRawUserInfo() != null) {
            throw node.error("base_url", "must not hold credentials; put the key in api_key_file");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw node.error("base_url", "must not have a query or a fragment");
        }
        String url = uri.toString();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return path.isEmpty() || path.equals("/") ? url + "/v1" : url;
    }

    private static Optional<String> apiKey(ConfigNode node, Path baseDir) {
        String file = node.string("api_key_file", null);
        if (file == null) {
            return Optional.empty();
        }
        Path path = baseDir.resolve(file);
        String key;
        try {
            key = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(node.path() + ".api_key_file: cannot read " + path + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (key.isEmpty()) {
            throw node.error("api_key_file", path + " is empty");
        }
        if (key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw node.error("api_key_file", path + " must hold one key (printable ASCII, no spaces)");
        }
        return Optional.of(key);
    }
}
