package dev.goldilocks.stats.experiment;

import java.util.Map;
import java.util.Objects;

/**
 * One arm's data.
 *
 * @param name    the arm
 * @param weight  its planned share of the experiment's traffic (any positive scale)
 * @param units   units assigned to it so far (exposures, for the sample-ratio test)
 * @param metrics each metric's statistic by metric name
 */
public record Arm(String name, double weight, long units, Map<String, ArmStatistic> metrics) {

    public Arm {
        Objects.requireNonNull(name, "name");
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight of arm '" + name + "': must be positive, got " + weight);
        }
        if (units < 0) {
            throw new IllegalArgumentException("units of arm '" + name + "': must be >= 0, got " + units);
        }
        metrics = Map.copyOf(metrics);
    }

    public ArmStatistic metric(String metric) {
        ArmStatistic s = metrics.get(metric);
        if (s == null) {
            throw new IllegalArgumentException("metrics of arm '" + name + "': no statistic for '" + metric + "'");
        }
        return s;
    }
}
