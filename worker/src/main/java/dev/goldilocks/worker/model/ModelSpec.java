package dev.goldilocks.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a server needs beside the ONNX graph, from the model folder's Hugging Face style config.json.
 *
 * @param contextTokens the context window (n_positions or max_position_embeddings)
 * @param eosTokenId    the end-of-text token
 */
public record ModelSpec(int contextTokens, int eosTokenId) {

    public static ModelSpec read(Path configJson) throws IOException {
        if (!Files.exists(configJson)) {
            throw new IOException(configJson + " is missing: a model folder needs config.json with n_positions"
                    + " and eos_token_id beside model.onnx");
        }
        JsonNode config = new ObjectMapper().readTree(configJson.toFile());
        JsonNode context = config.has("n_positions") ? config.get("n_positions") : config.get("max_position_embeddings");
        if (context == null || !context.canConvertToInt() || !config.has("eos_token_id")) {
            throw new IOException(configJson + " needs n_positions (or max_position_embeddings) and eos_token_id");
        }
        return new ModelSpec(context.intValue(), config.get("eos_token_id").intValue());
    }
}
