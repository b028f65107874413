package dev.goldilocks.gateway.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Timing;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON OpenAI clients read: a whole (chat) completion, or the chunks of a streamed one. Each response
 * also carries a {@code goldilocks} object (route, request id for feedback, cost, timing) that OpenAI
 * clients ignore.
 */
final class ResponseBodies {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ResponseBodies() {
    }

    /** The identity of one response, shared by all its chunks. */
    record Header(GenerationRequest request, String id, long created) {
    }

    static ObjectNode whole(Header h, GenerateResponse r) {
        ObjectNode body = envelope(h, h.request().kind().object, r.getRoute().getModel());
        ObjectNode choice = body.putArray("choices").addObject();
        if (h.request().kind() == Kind.CHAT) {
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", r.getText()).putNull("refusal");
        } else {
            choice.put("text", r.getText()).put("index", 0);
        }
        logprobs(choice, h, r.getTokensList());
        choice.put("finish_reason", finishReason(r.getFinishReason()));
        body.set("usage", usage(r.getUsage()));
        body.set("goldilocks", extension(r.getRequestId(), r));
        return body;
    }

    /** A chat stream's first chunk: the assistant's role, as OpenAI sends it before any text. */
    static ObjectNode roleChunk(Header h, String model) {
        ObjectNode chunk = chunk(h, model);
        choice(chunk, h).putObject("delta").put("role", "assistant").put("content", "");
        return chunk;
    }

    static ObjectNode textChunk(Header h, String model, String text) {
        ObjectNode chunk = chunk(h, model);
        ObjectNode choice = choice(chunk, h);
        if (h.request().kind() == Kind.CHAT) {
            choice.putObject("delta").put("content", text);
        } else {
            choice.put("text", text);
        }
        return chunk;
    }

    /**
     * The chunk that ends the choice: its finish_reason, the log-probabilities of every token when they
     * were asked for (the gRPC stream carries them in its last message only), and the goldilocks object.
     */
    static ObjectNode finishChunk(Header h, GenerateResponse r) {
        ObjectNode chunk = chunk(h, r.getRoute().getModel());
        ObjectNode choice = choice(chunk, h);
        if (h.request().kind() == Kind.CHAT) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        logprobs(choice, h, r.getTokensList());
        choice.put("finish_reason", finishReason(r.getFinishReason()));
        chunk.set("goldilocks", extension(r.getRequestId(), r));
        return chunk;
    }

    /** stream_options.include_usage: the last chunk, with no choices and the usage. */
    static ObjectNode usageChunk(Header h, GenerateResponse r) {
        ObjectNode chunk = envelope(h, h.request().kind().chunkObject, r.getRoute().getModel());
        chunk.putArray("choices");
        chunk.set("usage", usage(r.getUsage()));
        return chunk;
    }

    /** OpenAI's finish reasons: "stop" for an end of text or a stop sequence, "length" for a limit. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case FINISH_REASON_LENGTH, FINISH_REASON_CONTEXT_FULL -> "length";
            default -> "stop";
        };
    }

    private static ObjectNode envelope(Header h, String object, String model) {
        return JSON.objectNode().put("id", h.id()).put("object", object).put("created", h.created()).put("model", model);
    }

    private static ObjectNode chunk(Header h, String model) {
        ObjectNode chunk = envelope(h, h.request().kind().chunkObject, model);
        if (h.request().includeUsage()) {
            chunk.putNull("usage"); // as OpenAI: null on every chunk but the last when usage is asked for
        }
        return chunk;
    }

    private static ObjectNode choice(ObjectNode chunk, Header h) {
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return choice;
    }

    private static void logprobs(ObjectNode choice, Header h, List<Token> tokens) {
        if (!h.request().logprobs()) {
            choice.putNull("logprobs");
            return;
        }
        ObjectNode logprobs = JSON.objectNode();
        if (h.request().kind() == Kind.CHAT) {
            ArrayNode content = logprobs.putArray("content");
            for (Token t : tokens) {
                ObjectNode entry = content.addObject().put("token", t.getText()).put("logprob", t.getLogprob());
                ArrayNode bytes = entry.putArray("bytes");
                for (byte b : t.getText().getBytes(StandardCharsets.UTF_8)) {
                    bytes.add(b & 0xff);
                }
                entry.putArray("top_logprobs");
            }
            logprobs.putNull("refusal");
        } else {
            ArrayNode text = logprobs.putArray("tokens");
            ArrayNode values = logprobs.putArray("token_logprobs");
            ArrayNode offsets = logprobs.putArray("text_offset");
            int offset = 0;
            for (Token t : tokens) {
                text.add(t.getText());
                values.add(t.getLogprob());
                offsets.add(offset);
                offset += t.getText().length();
            }
            logprobs.putNull("top_logprobs");
        }
        choice.set("logprobs", logprobs);
    }

    private static ObjectNode usage(Usage u) {
        return JSON.objectNode().put("prompt_tokens", u.getPromptTokens()).put("completion_tokens", u.getCompletionTokens())
                .put("total_tokens", u.getPromptTokens() + u.getCompletionTokens());
    }

    /** What Goldilocks adds: the route, the request id to send Feedback for, the cost and the timing. */
    static ObjectNode extension(String requestId, GenerateResponse r) {
        ObjectNode ext = JSON.objectNode().put("request_id", requestId);
        Route route = r.getRoute();
        ext.putObject("route")
                .put("domain", route.getDomain())
                .put("confidence", route.getConfidence())
                .put("model", route.getModel())
                .put("chosen_model", route.getChosenModel())
                .put("policy", route.getPolicy())
                .put("arm", route.getArm())
                .put("reason", route.getReason())
                .put("fallback", route.getFallback())
                .put("fallback_reason", route.getFallbackReason())
                .put("propensity", route.getPropensity());
        ext.put("cost_usd", r.getUsage().getCostUsd());
        Timing t = r.getTiming();
        ext.putObject("timing")
                .put("route_seconds", t.getRouteSeconds())
                .put("queue_seconds", t.getQueueSeconds())
                .put("time_to_first_token_seconds", t.getTimeToFirstTokenSeconds())
                .put("compute_seconds", t.getComputeSeconds())
                .put("total_seconds", t.getTotalSeconds());
        return ext;
    }
}
