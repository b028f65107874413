package dev.goldilocks.worker.generate;

/**
 * One generated or scored token.
 *
 * @param id      vocabulary id
 * @param text    its own decoded text (may be part of a multi-byte character)
 * @param logprob natural-log probability under the model, or 0 when not requested
 */
public record GeneratedToken(int id, String text, float logprob) {
}
