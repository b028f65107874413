package dev.goldilocks.gateway.openai;

import dev.goldilocks.proto.v1.GenerateRequest;

/**
 * An OpenAI completion or chat completion request, translated into the gateway's own GenerateRequest, with
 * what the response needs to look like the client asked.
 *
 * @param kind           chat or completion
 * @param generate       the request for the gRPC API
 * @param stream         answer as server-sent events
 * @param includeUsage   stream_options.include_usage: a last chunk with usage and no choices
 * @param logprobs       return the sampled tokens' log-probabilities
 * @param maxTokensParam the parameter that set the token limit (max_tokens or max_completion_tokens)
 */
record GenerationRequest(Kind kind, GenerateRequest generate, boolean stream, boolean includeUsage, boolean logprobs,
                         String maxTokensParam) {

    /** The OpenAI parameter that carried a field of the gRPC request, to name it in errors. */
    String param(String grpcField) {
        if (grpcField.equals("prompt")) {
            return kind.promptParam;
        }
        if (grpcField.equals("params.max_new_tokens")) {
            return maxTokensParam;
        }
        if (grpcField.startsWith("params.stop")) {
            return "stop";
        }
        if (grpcField.startsWith("params.")) {
            return grpcField.substring("params.".length()); // temperature, top_p, top_k, seed: the same names
        }
        return switch (grpcField) {
            case "unit_id" -> "user";
            case "policy" -> "model";
            default -> grpcField; // model, metadata, domain_hint
        };
    }
}
