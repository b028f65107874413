package dev.goldilocks.stats.experiment;

import java.util.List;

/**
 * An experiment read now.
 *
 * @param control     the control arm's name
 * @param sampleRatio the sample-ratio check over all arms
 * @param treatments  each treatment arm against control
 */
public record ExperimentReport(String control, SampleRatio sampleRatio, List<ArmResult> treatments) {

    public ExperimentReport {
        treatments = List.copyOf(treatments);
    }
}
