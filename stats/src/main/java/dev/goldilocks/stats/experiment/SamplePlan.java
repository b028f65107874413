package dev.goldilocks.stats.experiment;

/**
 * A planned experiment size.
 *
 * @param totalUnits             units over both arms for the planned power with always-valid intervals
 * @param tuningUnits            the N* to give the {@link ConfidenceSequence} (the size it is tuned for)
 * @param fixedHorizonUnits      what one look at a fixed horizon would need: the price of peeking is the ratio
 * @param power                  the planned power
 * @param minimumDetectableEffect the difference the plan detects with that power
 */
public record SamplePlan(long totalUnits, long tuningUnits, long fixedHorizonUnits, double power,
                         double minimumDetectableEffect) {
}
