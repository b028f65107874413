package dev.goldilocks.stats.experiment;

import dev.goldilocks.stats.Interval;

/** Which way a metric is better: quality up, cost and latency down. */
public enum Direction {
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER;

    /** The difference treatment - control turned so that positive always means "treatment is better". */
    public Interval improvement(Interval difference) {
        return this == HIGHER_IS_BETTER ? difference : difference.negate();
    }
}
