package dev.goldilocks.gateway.config;

/**
 * A model's price in US dollars: per token, or per hour of the device it runs on, or both.
 *
 * @param promptPer1k     per 1,000 prompt tokens
 * @param completionPer1k per 1,000 generated (or scored) tokens
 * @param perDeviceHour   per hour of device time (a GPU-hour price), charged for the compute seconds the worker
 *                        measured for the request (its share when requests run batched)
 */
public record Price(double promptPer1k, double completionPer1k, double perDeviceHour) {

    public Price(double promptPer1k, double completionPer1k) {
        this(promptPer1k, completionPer1k, 0);
    }

    public double cost(int promptTokens, int completionTokens) {
        return cost(promptTokens, completionTokens, 0);
    }

    public double cost(int promptTokens, int completionTokens, double computeSeconds) {
        return promptTokens / 1000.0 * promptPer1k + completionTokens / 1000.0 * completionPer1k
                + computeSeconds / 3600.0 * perDeviceHour;
    }
}
