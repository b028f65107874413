package dev.goldilocks.worker.generate;

import java.util.List;

/**
 * Validated generation parameters.
 *
 * @param maxNewTokens most tokens to generate
 * @param temperature  0 means greedy
 * @param topP         nucleus cut in (0, 1]
 * @param topK         0 means no cut
 * @param stop         stop sequences
 * @param seed         sampler seed
 * @param logprobs     whether to report each token's log-probability
 */
public record GenerationSettings(int maxNewTokens, float temperature, float topP, int topK, List<String> stop,
                                 long seed, boolean logprobs) {

    public GenerationSettings {
        stop = List.copyOf(stop);
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
