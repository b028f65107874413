package dev.goldilocks.stats.experiment;

import dev.goldilocks.stats.Interval;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PowerAnalysisTest {

    private static final double ALPHA = 0.05;
    private final PowerAnalysis power = new PowerAnalysis(ALPHA);

    @Test
    void theFixedHorizonSizeIsTheTextbookFormula() {
        // (1.960 + 0.842)^2 x 1^2 x (2 + 2) / 0.1^2 = 3,140 units in all for a 0.1 sd effect at 80% power
        assertThat(power.fixedHorizonUnits(0.8, 0.1, 1, 0.5)).isEqualTo(3_140);
    }

    @Test
    void thePlanIsTheFewestUnitsThatReachThePowerAndCostsMoreThanAFixedHorizon() {
        SamplePlan plan = power.plan(0.1, 1, 0.5, 0.8);
        ConfidenceSequence tuned = new ConfidenceSequence(ALPHA, plan.tuningUnits());

        System.out.printf("0.1 sd at 80%% power: %d units with always-valid intervals, %d at a fixed horizon%n",
                plan.totalUnits(), plan.fixedHorizonUnits());
        assertThat(power.power(plan.totalUnits(), 0.1, 1, 0.5, tuned)).isGreaterThanOrEqualTo(0.8);
        assertThat(power.power(plan.totalUnits() - 1, 0.1, 1, 0.5, tuned)).isLessThan(0.8);
        assertThat(plan.totalUnits()).isGreaterThan(plan.fixedHorizonUnits());
        assertThat((double) plan.tuningUnits()).isCloseTo(plan.totalUnits(), within(plan.totalUnits() * 0.01));
        assertThat(power.minimumDetectableEffect(plan.totalUnits(), 0.8, 1, 0.5, tuned)).isCloseTo(0.1,
                within(0.001));
    }

    @Test
    void theSequenceIsWiderThanAFixedHorizonIntervalEverywhereAndClosestToItAtItsTuningSize() {
        ConfidenceSequence sequence = new ConfidenceSequence(ALPHA, 10_000);
        double z = Interval.standardNormalQuantile(1 - ALPHA / 2);
        double atTuning = sequence.criticalValue(10_000);

        assertThat(atTuning).isGreaterThan(z);
        assertThat(sequence.criticalValue(2_500)).isGreaterThan(atTuning);
        assertThat(sequence.criticalValue(40_000)).isGreaterThan(atTuning);
        // at N = N* the half-width is 3.04 standard errors where a fixed horizon needs 1.96
        assertThat(atTuning / z).isCloseTo(1.55, within(0.02));
    }
}
