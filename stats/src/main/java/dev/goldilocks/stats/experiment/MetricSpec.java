package dev.goldilocks.stats.experiment;

import java.util.Objects;

/**
 * A metric an experiment reads.
 *
 * @param name      the key of the metric in each arm's statistics
 * @param direction which way is better
 * @param margin    for the primary metric, the smallest difference that matters (a smaller one reads "no
 *                  difference"; 0 never reads so); for a guardrail, the largest harm tolerated
 */
public record MetricSpec(String name, Direction direction, double margin) {

    public MetricSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(direction, "direction");
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("margin of metric '" + name + "': must be >= 0, got " + margin);
        }
    }
}
