package dev.goldilocks.worker.generate;

import java.util.List;

/**
 * A finished generation.
 *
 * @param text               the whole generated text, without a matched stop sequence
 * @param tokens             every generated token
 * @param finishReason       why it ended
 * @param promptTokens       prompt length in tokens
 * @param timeToFirstTokenNanos from the start of computation to the first token
 */
public record GenerationResult(String text, List<GeneratedToken> tokens, FinishReason finishReason,
                               int promptTokens, long timeToFirstTokenNanos) {

    public GenerationResult {
        tokens = List.copyOf(tokens);
    }
}
