package dev.goldilocks.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * An OpenAI-compatible server's {@code GET /models} answer, read for one model: whether the server lists it,
 * and its context window where the server says (vLLM's {@code max_model_len}, llama.cpp's and others'
 * {@code context_length}, this gateway's {@code goldilocks.context_tokens}).
 */
final class ModelList {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The model's entry, when the server listed it. */
    record Entry(int contextTokens) {
    }

    private ModelList() {
    }

    /** The entry of {@code model} in {@code body}; empty when the body lists no such model (or is not a list). */
    static Optional<Entry> find(byte[] body, String model) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null) {
                return Optional.empty();
            }
            for (JsonNode entry : root.path("data")) {
                if (model.equals(entry.path("id").asText())) {
                    return Optional.of(new Entry(contextTokens(entry)));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int contextTokens(JsonNode entry) {
        for (JsonNode n : new JsonNode[] {entry.get("max_model_len"), entry.get("context_length"),
            entry.path("goldilocks").get("context_tokens"), entry.path("meta").get("n_ctx_train")}) {
            if (n != null && n.canConvertToInt() && n.asInt() > 0) {
                return n.asInt();
            }
        }
        return 0;
    }
}
