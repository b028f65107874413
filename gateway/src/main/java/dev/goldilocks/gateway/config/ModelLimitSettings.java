package dev.goldilocks.gateway.config;

import java.util.List;

/**
 * The concurrency limit of each model at this gateway: how many of its calls may be in flight at once.
 * Past it a call is refused at once (RESOURCE_EXHAUSTED, MODEL_OVERLOADED) instead of waiting in a worker
 * queue. The adaptive algorithms (Netflix concurrency-limits) move the limit between {@code min} and
 * {@code max} from the latency of the model's calls, so that the queue stays short and accepted calls
 * stay fast; {@code fixed} keeps it at {@code max}.
 *
 * @param algorithm vegas (default), gradient2 or fixed
 * @param initial   the limit before any latency was measured
 * @param min       the lowest the limit goes
 * @param max       the highest it goes; the limit itself with {@code fixed}
 */
public record ModelLimitSettings(String algorithm, int initial, int min, int max) {

    public static final String GRADIENT2 = "gradient2";
    public static final String VEGAS = "vegas";
    public static final String FIXED = "fixed";
    public static final List<String> ALGORITHMS = List.of(GRADIENT2, VEGAS, FIXED);

    public ModelLimitSettings {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("algorithm must be one of " + ALGORITHMS + ", got " + algorithm);
        }
        if (min < 1 || min > max || initial < min || initial > max) {
            throw new IllegalArgumentException("need 1 <= min <= initial <= max, got " + min + ", " + initial + ", "
                    + max);
        }
    }

    public static ModelLimitSettings defaults() {
        return new ModelLimitSettings(VEGAS, 16, 2, 64);
    }

    /** A fixed limit of {@code max} calls in flight per model. */
    public static ModelLimitSettings fixed(int max) {
        return new ModelLimitSettings(FIXED, max, 1, max);
    }
}
