package dev.goldilocks.store;

import java.util.OptionalDouble;

/**
 * The quality observations of a model in one domain from one source over a window: n, mean and sample
 * variance (empty below two observations), enough for a mean's interval and for pooling across windows.
 *
 * @param source probe (scored against the item's reference) or feedback (clients' scores)
 */
public record ModelQuality(String model, String domain, String source, long n, double mean,
                           OptionalDouble variance) {
}
