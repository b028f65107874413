package dev.goldilocks.stats.experiment;

import java.util.List;

/**
 * The sample-ratio-mismatch check of an experiment.
 *
 * @param pValue   Pearson's chi-squared test of the observed units per arm against the planned weights
 * @param mismatch true when {@code pValue} is below the threshold: assignment or exposure logging is broken
 * @param observed units per arm, in the order of the arms
 * @param expected planned share per arm, same order
 */
public record SampleRatio(double pValue, boolean mismatch, List<Long> observed, List<Double> expected) {

    public SampleRatio {
        observed = List.copyOf(observed);
        expected = List.copyOf(expected);
    }
}
