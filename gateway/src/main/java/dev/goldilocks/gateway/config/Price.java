package dev.goldilocks.gateway.config;

/**
 * A model's price in US dollars.
 *
 * @param promptPer1k     per 1,000 prompt tokens
 * @param completionPer1k per 1,000 generated (or scored) tokens
 */
public record Price(double promptPer1k, double completionPer1k) {

    public double cost(int promptTokens, int completionTokens) {
        return promptTokens / 1000.0 * promptPer1k + completionTokens / 1000.0 * completionPer1k;
    }
}
