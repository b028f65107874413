package dev.goldilocks.gateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.gateway.config.OpenAiBackendSettings;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import java.math.BigInteger;

/**
 * A generation as an OpenAI request body, with the gRPC API's meaning kept: unset temperature is greedy
 * (OpenAI's default is 1), unset max_new_tokens is 64 (the worker's default; OpenAI servers differ), the
 * usage comes in the stream, and only parameters that were set are sent (a hosted API refuses some it does
 * not know, such as top_k).
 */
final class OpenAiRequests {

    /** max_tokens when the request leaves it unset, as the worker's default_max_new_tokens. */
    static final int DEFAULT_MAX_NEW_TOKENS = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiRequests() {
    }

    /** The path under the base URL that a generation goes to. */
    static String path(OpenAiBackendSettings backend) {
        return backend.chat() ? "/chat/completions" : "/completions";
    }

    static byte[] generate(OpenAiBackendSettings backend, WorkerGenerateRequest request) {
        ObjectNode body = JSON.createObjectNode().put("model", backend.model());
        if (backend.chat()) {
            body.putArray("messages").addObject().put("role", "user").put("content", request.getPrompt());
        } else {
            body.put("prompt", request.getPrompt());
        }
        GenerationParams p = request.getParams();
        body.put("max_tokens", p.hasMaxNewTokens() ? p.getMaxNewTokens() : DEFAULT_MAX_NEW_TOKENS);
        body.put("temperature", p.hasTemperature() ? p.getTemperature() : 0f);
        if (p.hasTopP()) {
            body.put("top_p", p.getTopP());
        }
        if (p.hasTopK() && p.getTopK() > 0) {
            body.put("top_k", p.getTopK());
        }
        if (p.getStopCount() > 0) {
            ArrayNode stop = body.putArray("stop");
            p.getStopList().forEach(stop::add);
        }
        if (p.hasSeed()) {
            body.put("seed", new BigInteger(Long.toUnsignedString(p.getSeed()))); // a uint64 in the gRPC API
        }
        if (p.getLogprobs()) {
            if (backend.chat()) {
                body.put("logprobs", true);
            } else {
                body.put("logprobs", 0); // the sampled tokens' log-probabilities, no alternatives
            }
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }
}
