package dev.goldilocks.gateway.config;

import java.net.URI;
import java.util.Optional;

/**
 * A model served by an OpenAI-compatible HTTP server ({@code models.<name>.backend} with {@code kind: openai}).
 *
 * @param baseUrl the API's base URL as OpenAI SDKs take it, e.g. {@code http://vllm:8000/v1}; requests go to
 *                {@code <baseUrl>/completions}, {@code <baseUrl>/chat/completions}, {@code <baseUrl>/models}
 * @param model   the model's name on that server
 * @param chat    whether the prompt is sent as one user message to /chat/completions (the server applies its
 *                chat template) rather than as a prompt to /completions
 * @param apiKey  sent as {@code Authorization: Bearer}; read from a file at start and never logged
 */
public record OpenAiBackendSettings(String baseUrl, String model, boolean chat, Optional<String> apiKey) {

    public OpenAiBackendSettings {
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
    }

    /** {@code path} (e.g. "/completions") under the base URL. */
    public URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    /** Without the key, which must never reach a log. */
    @Override
    public String toString() {
        return "OpenAiBackendSettings[baseUrl=" + baseUrl + ", model=" + model + ", chat=" + chat + ", apiKey="
                + (apiKey.isPresent() ? "(set)" : "(none)") + "]";
    }
}
