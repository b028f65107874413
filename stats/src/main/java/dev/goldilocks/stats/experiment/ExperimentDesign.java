package dev.goldilocks.stats.experiment;

import java.util.List;
import java.util.Objects;

/**
 * How an experiment is read.
 *
 * @param primary              the metric that decides
 * @param guardrails           metrics the treatment must not worsen by more than their margins
 * @param alpha                the error rate of the always-valid intervals (0.05 for 95%)
 * @param tuningUnits          N*, the total units at which a decision is expected (see {@link ConfidenceSequence})
 * @param minUnitsPerArm       no verdict before each arm has this many units: the intervals are asymptotic
 * @param sampleRatioThreshold p-value below which the sample-ratio test blocks every verdict
 */
public record ExperimentDesign(MetricSpec primary, List<MetricSpec> guardrails, double alpha, double tuningUnits,
                               long minUnitsPerArm, double sampleRatioThreshold) {

    public static final long DEFAULT_MIN_UNITS_PER_ARM = 100;
    public static final double DEFAULT_SAMPLE_RATIO_THRESHOLD = 0.001;

    public ExperimentDesign {
        Objects.requireNonNull(primary, "primary");
        guardrails = List.copyOf(guardrails);
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha: must be in (0, 1), got " + alpha);
        }
        if (minUnitsPerArm < 2) {
            throw new IllegalArgumentException("minUnitsPerArm: must be at least 2, got " + minUnitsPerArm);
        }
    }

    /** The defaults: a verdict from 100 units per arm on, sample-ratio mismatch at p < 0.001. */
    public static ExperimentDesign of(MetricSpec primary, List<MetricSpec> guardrails, double alpha,
                                      double tuningUnits) {
        return new ExperimentDesign(primary, guardrails, alpha, tuningUnits, DEFAULT_MIN_UNITS_PER_ARM,
                DEFAULT_SAMPLE_RATIO_THRESHOLD);
    }
}
