package dev.goldilocks.gateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerTiming;
import java.util.ArrayList;
import java.util.List;

/**
 * One streamed completion (or chat completion) of an OpenAI-compatible server, read event by event into the
 * worker protocol's chunks: text and, when they were asked for, tokens with their log-probabilities as they
 * come (per chunk as vLLM sends them, or all in the last chunk); the finish reason; the usage, which comes in
 * a last chunk whose {@code choices} is empty or null (as vLLM sends it); and {@code [DONE]}. Reading is
 * lenient where servers differ (no [DONE] after a finish reason, usage on every chunk) and strict where the
 * answer would be wrong (an event that is not JSON, an error event).
 */
final class StreamedCompletion {

    static final String DONE = "[DONE]";
    private static final double NANOS = 1e9;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean chat;
    private final boolean logprobs;
    private final HttpFailures failures;
    private final Runnable noUsage;
    private final long startNanos;
    private long firstTextNanos;
    private String finishReason;
    private boolean stoppedBySequence;
    private boolean usage;
    private int promptTokens;
    private int completionTokens;
    private boolean done;

    /**
     * @param logprobs whether the tokens' log-probabilities were asked for (then they are passed on)
     * @param noUsage  told when the stream ended without usage (its tokens and cost then count 0)
     */
    StreamedCompletion(boolean chat, boolean logprobs, HttpFailures failures, Runnable noUsage, long startNanos) {
        this.chat = chat;
        this.logprobs = logprobs;
        this.failures = failures;
        this.noUsage = noUsage;
        this.startNanos = startNanos;
    }

    /**
     * One event's data: the chunk of text and tokens it carries, or null when it carries none (a role, a
     * finish reason, usage, [DONE]). Throws {@link CallFailed} for an error event or an event that is not JSON.
     */
    WorkerGenerateChunk read(String type, String data) {
        if (done) {
            return null;
        }
        if (data.strip().equals(DONE)) {
            done = true;
            return null;
        }
        JsonNode event = parse(data);
        JsonNode error = event.get("error");
        if (error != null && !error.isNull()) {
            throw new CallFailed(failures.ofErrorEvent(error.isObject() ? error
                    : JSON.createObjectNode().put("message", error.asText())));
        }
        if (type.equals("error") || "error".equals(event.path("object").asText())) { // vLLM's error object
            throw new CallFailed(failures.ofErrorEvent(event));
        }
        JsonNode counts = event.get("usage");
        if (counts != null && counts.isObject()) {
            usage = true;
            promptTokens = counts.path("prompt_tokens").asInt();
            completionTokens = counts.path("completion_tokens").asInt();
        }
        JsonNode choice = firstChoice(event.get("choices"));
        if (choice == null) {
            return null;
        }
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && finish.isTextual()) {
            finishReason = finish.asText();
            JsonNode stopReason = choice.get("stop_reason"); // vLLM: the stop string that ended it, null at end of text
            stoppedBySequence = stopReason != null && stopReason.isTextual();
        }
        String text = chat ? choice.path("delta").path("content").asText("") : choice.path("text").asText("");
        List<Token> tokens = logprobs ? tokens(choice.get("logprobs")) : List.of();
        if (text.isEmpty() && tokens.isEmpty()) {
            return null;
        }
        if (!text.isEmpty() && firstTextNanos == 0) {
            firstTextNanos = System.nanoTime();
        }
        return WorkerGenerateChunk.newBuilder().setText(text).addAllTokens(tokens).build();
    }

    /** Whether the answer is complete: [DONE] came, or at least a finish reason (for a stream that then ends). */
    boolean complete() {
        return done || finishReason != null;
    }

    boolean done() {
        return done;
    }

    /** The last chunk: finish reason, usage and timing (the gateway measures it: the server reports none). */
    WorkerGenerateChunk last() {
        if (!usage) {
            noUsage.run();
        }
        long end = System.nanoTime();
        return WorkerGenerateChunk.newBuilder()
                .setFinishReason(finishReason())
                .setPromptTokens(promptTokens)
                .setCompletionTokens(completionTokens)
                .setTiming(WorkerTiming.newBuilder()
                        .setComputeSeconds((end - startNanos) / NANOS)
                        .setTimeToFirstTokenSeconds(((firstTextNanos == 0 ? end : firstTextNanos) - startNanos) / NANOS)
                        .setBatchSize(1))
                .build();
    }

    /** OpenAI's "length" is a token limit; "stop" is a stop sequence when vLLM's stop_reason names one. */
    private FinishReason finishReason() {
        if ("length".equals(finishReason)) {
            return FinishReason.FINISH_REASON_LENGTH;
        }
        return stoppedBySequence ? FinishReason.FINISH_REASON_STOP_SEQUENCE : FinishReason.FINISH_REASON_END_OF_TEXT;
    }

    private JsonNode parse(String data) {
        try {
            JsonNode event = JSON.readTree(data);
            if (event == null || !event.isObject()) {
                throw new CallFailed(failures.notTheProtocol("an event that is not a JSON object"));
            }
            return event;
        } catch (JsonProcessingException e) {
            throw new CallFailed(failures.notTheProtocol("an event that is not JSON (" + e.getOriginalMessage() + ")"));
        }
    }

    /** The choice with index 0 (a request asks for one); null when the event has none. */
    private static JsonNode firstChoice(JsonNode choices) {
        if (choices == null || !choices.isArray()) {
            return null;
        }
        for (JsonNode choice : choices) {
            if (choice.path("index").asInt(0) == 0) {
                return choice;
            }
        }
        return null;
    }

    /**
     * The sampled tokens with their log-probabilities: chat's {@code logprobs.content[]} or completions'
     * {@code logprobs.tokens} and {@code token_logprobs}. Token ids are not part of the OpenAI API: 0.
     */
    private List<Token> tokens(JsonNode logprobs) {
        List<Token> out = new ArrayList<>();
        if (logprobs == null || !logprobs.isObject()) {
            return out;
        }
        if (chat) {
            for (JsonNode entry : logprobs.path("content")) {
                out.add(Token.newBuilder().setText(entry.path("token").asText("")).setLogprob(
                        (float) entry.path("logprob").asDouble()).build());
            }
            return out;
        }
        JsonNode texts = logprobs.path("tokens");
        JsonNode values = logprobs.path("token_logprobs");
        for (int i = 0; i < texts.size(); i++) {
            out.add(Token.newBuilder().setText(texts.get(i).asText("")).setLogprob((float) values.path(i).asDouble())
                    .build());
        }
        return out;
    }
}
