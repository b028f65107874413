package dev.goldilocks.stats.experiment;

import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;
import org.apache.commons.math3.stat.inference.TestUtils;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One simulated two-arm experiment on a 0/1 per-unit metric (a unit's answer judged good or not): units arrive,
 * are randomised 50/50, and the experiment is read after every batch.
 */
final class SimulatedExperiment {

    static final String METRIC = "quality";

    private final SplittableRandom random;
    private final double controlRate;
    private final double treatmentRate;
    private MeanMoments control = MeanMoments.EMPTY;
    private MeanMoments treatment = MeanMoments.EMPTY;

    SimulatedExperiment(SplittableRandom random, double controlRate, double treatmentRate) {
        this.random = random;
        this.controlRate = controlRate;
        this.treatmentRate = treatmentRate;
    }

    void addUnits(int units) {
        for (int i = 0; i < units; i++) {
            if (random.nextBoolean()) {
                treatment = treatment.add(random.nextDouble() < treatmentRate ? 1 : 0);
            } else {
                control = control.add(random.nextDouble() < controlRate ? 1 : 0);
            }
        }
    }

    long units() {
        return control.units() + treatment.units();
    }

    ArmResult read(ExperimentAnalysis analysis) {
        Arm c = new Arm("control", 1, control.units(), Map.of(METRIC, control));
        Arm t = new Arm("treatment", 1, treatment.units(), Map.of(METRIC, treatment));
        return analysis.analyze(c, List.of(t)).treatments().get(0);
    }

    /** Welch's two-sample t-test p-value, as a fixed-horizon analysis would compute it at this look. */
    double fixedHorizonPValue() {
        return TestUtils.tTest(summary(control), summary(treatment));
    }

    private static StatisticalSummaryValues summary(MeanMoments m) {
        return new StatisticalSummaryValues(m.mean(), m.variance(), m.units(), 1, 0, m.sum());
    }
}
