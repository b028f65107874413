package dev.goldilocks.worker.config;

import java.util.Optional;

/**
 * What a worker says about a model beyond serving it, reported in Status so that a gateway can learn
 * it: its role, its domain, and its price.
 *
 * @param role                "generic" or "specialist" (empty: unspecified)
 * @param domain              the specialist's domain (empty for a generic model)
 * @param usdPer1kPromptTokens     price of 1,000 prompt tokens
 * @param usdPer1kCompletionTokens price of 1,000 generated tokens
 * @param usdPerDeviceHour    price of an hour of the device it runs on
 */
public record ModelInfo(String role, Optional<String> domain, double usdPer1kPromptTokens,
                        double usdPer1kCompletionTokens, double usdPerDeviceHour) {

    public static final ModelInfo UNSPECIFIED = new ModelInfo("", Optional.empty(), 0, 0, 0);
}
