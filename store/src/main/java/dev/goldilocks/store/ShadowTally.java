package dev.goldilocks.store;

import java.util.OptionalDouble;

/**
 * Shadow comparisons of a served model against an alternative in one domain over a window, from the
 * served model's side.
 *
 * @param meanDelta mean judge score difference over the comparisons with a finite difference
 */
public record ShadowTally(String domain, String servedModel, String alternativeModel, long n, long wins,
                          long losses, long ties, OptionalDouble meanDelta) {
}
