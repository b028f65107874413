package dev.goldilocks.worker.service;

import dev.goldilocks.common.grpc.FieldLimits;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.worker.generate.GenerationSettings;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ThreadLocalRandom;

/** Turns request parameters into {@link GenerationSettings}, or INVALID_ARGUMENT naming the field. */
final class SettingsValidator {

    private SettingsValidator() {
    }

    static GenerationSettings validate(GenerationParams p, int defaultMaxNewTokens, int limit)
            throws StatusRuntimeException {
        int maxNewTokens = p.hasMaxNewTokens() ? p.getMaxNewTokens() : Math.min(defaultMaxNewTokens, limit);
        if (maxNewTokens < 1 || maxNewTokens > limit) {
            throw Failures.invalidField("params.max_new_tokens", "must be between 1 and " + limit + ", got " + maxNewTokens);
        }
        float temperature = p.hasTemperature() ? p.getTemperature() : 0f;
        if (!Float.isFinite(temperature) || temperature < 0f || temperature > 100f) {
            throw Failures.invalidField("params.temperature", "must be a finite number from 0 to 100, got " + temperature);
        }
        float topP = p.hasTopP() ? p.getTopP() : 1f;
        if (!(topP > 0f && topP <= 1f)) {
            throw Failures.invalidField("params.top_p", "must be in (0, 1], got " + topP);
        }
        int topK = p.hasTopK() ? p.getTopK() : 0;
        if (topK < 0) {
            throw Failures.invalidField("params.top_k", "must be >= 0, got " + topK);
        }
        FieldLimits.stops(p.getStopList());
        long seed = p.hasSeed() ? p.getSeed() : ThreadLocalRandom.current().nextLong();
        return new GenerationSettings(maxNewTokens, temperature, topP, topK, p.getStopList(), seed, p.getLogprobs());
    }
}
