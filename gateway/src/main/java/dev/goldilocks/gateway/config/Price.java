package dev.goldilocks.gateway.config;

import dev.goldilocks.proto.v1.WorkerTiming;

/**
 * A model's price in US dollars: per token, or per hour of the device it runs on, or both.
 *
 * @param promptPer1k     per 1,000 prompt tokens
 * @param completionPer1k per 1,000 generated (or scored) tokens
 * @param perDeviceHour   per hour of device time (a GPU-hour price), charged for the request's share of the
 *                        device time the worker measured (a batch's time is shared among its requests)
 */
public record Price(double promptPer1k, double completionPer1k, double perDeviceHour) {

    public Price(double promptPer1k, double completionPer1k) {
        this(promptPer1k, completionPer1k, 0);
    }

    public double cost(int promptTokens, int completionTokens) {
        return cost(promptTokens, completionTokens, 0);
    }

    /** The cost of a worker call: its tokens, and its share of device time as the worker reported it. */
    public double cost(int promptTokens, int completionTokens, WorkerTiming timing) {
        // A worker that predates device_seconds reports only its compute time, the whole batch's.
        double deviceSeconds = timing.getDeviceSeconds() > 0 ? timing.getDeviceSeconds() : timing.getComputeSeconds();
        return cost(promptTokens, completionTokens, deviceSeconds);
    }

    public double cost(int promptTokens, int completionTokens, double computeSeconds) {
        return promptTokens / 1000.0 * promptPer1k + completionTokens / 1000.0 * completionPer1k
                + computeSeconds / 3600.0 * perDeviceHour;
    }
}
