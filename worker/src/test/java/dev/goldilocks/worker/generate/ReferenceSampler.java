package dev.goldilocks.worker.generate;

import java.util.Arrays;
import java.util.Random;

/**
 * The sampler as it was before it was made linear in the vocabulary, kept verbatim: a stable sort of the
 * whole vocabulary as boxed integers. The new one must agree with it token for token; load-tests'
 * TokenBenchmark measures it as the baseline.
 */
public final class ReferenceSampler {

    private final GenerationSettings settings;
    private final Random random;

    public ReferenceSampler(GenerationSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    public int next(float[] logits) {
        if (settings.greedy()) {
            return Sampler.argmax(logits);
        }
        Integer[] order = new Integer[logits.length];
        double[] probs = new double[logits.length];
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            probs[i] = Math.exp((logits[i] - max) / settings.temperature());
            sum += probs[i];
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        int keep = settings.topK() > 0 ? Math.min(settings.topK(), logits.length) : logits.length;
        double cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += probs[order[i]] / sum;
            if (cumulative >= settings.topP()) {
                keep = i + 1;
                break;
            }
        }
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            mass += probs[order[i]];
        }
        double target = random.nextDouble() * mass;
        for (int i = 0; i < keep; i++) {
            target -= probs[order[i]];
            if (target <= 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}
