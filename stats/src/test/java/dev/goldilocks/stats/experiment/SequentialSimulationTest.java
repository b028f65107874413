package dev.goldilocks.stats.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof by simulation that the verdicts can be read after every batch: the false-positive rate of 1,000 A/A
 * experiments stays at or below alpha with the confidence sequence and does not with a fixed-horizon t-test read at
 * the same looks; with a real effect the planned size delivers its power.
 */
class SequentialSimulationTest {

    private static final double ALPHA = 0.05;
    private static final int EXPERIMENTS = 1_000;
    private static final int BATCH = 100;
    private static final double BASE_RATE = 0.70;

    @Test
    void aaExperimentsReadAfterEveryBatchKeepTheFalsePositiveRateAtAlphaAndAFixedHorizonTestDoesNot() {
        int horizon = 5_000;
        ExperimentAnalysis analysis = new ExperimentAnalysis(
                ExperimentDesign.of(new MetricSpec(SimulatedExperiment.METRIC, Direction.HIGHER_IS_BETTER, 0),
                        List.of(), ALPHA, horizon));
        SplittableRandom random = new SplittableRandom(101);
        int sequentialFalsePositives = 0;
        int peekingFalsePositives = 0;
        int finalLookFalsePositives = 0;
        int sampleRatioAlarms = 0;
        for (int e = 0; e < EXPERIMENTS; e++) {
            SimulatedExperiment experiment = new SimulatedExperiment(random, BASE_RATE, BASE_RATE);
            boolean sequentialClaimed = false;
            boolean peekingClaimed = false;
            boolean alarmed = false;
            while (experiment.units() < horizon) {
                experiment.addUnits(BATCH);
                Verdict v = experiment.read(analysis).verdict();
                sequentialClaimed |= v == Verdict.TREATMENT_BETTER || v == Verdict.TREATMENT_WORSE;
                alarmed |= v == Verdict.SAMPLE_RATIO_MISMATCH;
                peekingClaimed |= experiment.fixedHorizonPValue() < ALPHA;
            }
            sequentialFalsePositives += sequentialClaimed ? 1 : 0;
            peekingFalsePositives += peekingClaimed ? 1 : 0;
            finalLookFalsePositives += experiment.fixedHorizonPValue() < ALPHA ? 1 : 0;
            sampleRatioAlarms += alarmed ? 1 : 0;
        }
        double sequential = (double) sequentialFalsePositives / EXPERIMENTS;
        double peeking = (double) peekingFalsePositives / EXPERIMENTS;
        System.out.printf("A/A, %d experiments read every %d units up to %d (%d looks), alpha %.2f:"
                        + " confidence sequence false positives %.3f; t-test at every look %.3f;"
                        + " t-test at the last look only %.3f; sample-ratio alarms %.3f%n",
                EXPERIMENTS, BATCH, horizon, horizon / BATCH, ALPHA, sequential, peeking,
                (double) finalLookFalsePositives / EXPERIMENTS, (double) sampleRatioAlarms / EXPERIMENTS);
        assertThat(sequential).as("false-positive rate of the confidence sequence").isLessThanOrEqualTo(ALPHA);
        assertThat(peeking).as("false-positive rate of a t-test read at every look").isGreaterThan(2 * ALPHA);
    }

    @Test
    void withAKnownEffectTheDetectionRateReachesThePowerThePlannedSizePromises() {
        double effect = 0.05;
        double power = 0.8;
        SamplePlan plan = new PowerAnalysis(ALPHA).plan(effect, Math.sqrt(BASE_RATE * (1 - BASE_RATE)), 0.5, power);
        ExperimentAnalysis analysis = new ExperimentAnalysis(
                ExperimentDesign.of(new MetricSpec(SimulatedExperiment.METRIC, Direction.HIGHER_IS_BETTER, 0),
                        List.of(), ALPHA, plan.tuningUnits()));
        SplittableRandom random = new SplittableRandom(202);
        int detectedByPlannedSize = 0;
        int detectedAtPlannedSize = 0;
        for (int e = 0; e < EXPERIMENTS; e++) {
            SimulatedExperiment experiment = new SimulatedExperiment(random, BASE_RATE, BASE_RATE + effect);
            boolean detected = false;
            Verdict last = Verdict.RUNNING;
            while (experiment.units() < plan.totalUnits()) {
                experiment.addUnits((int) Math.min(BATCH, plan.totalUnits() - experiment.units()));
                last = experiment.read(analysis).verdict();
                detected |= last == Verdict.TREATMENT_BETTER;
            }
            detectedByPlannedSize += detected ? 1 : 0;
            detectedAtPlannedSize += last == Verdict.TREATMENT_BETTER ? 1 : 0;
        }
        double byPlan = (double) detectedByPlannedSize / EXPERIMENTS;
        double atPlan = (double) detectedAtPlannedSize / EXPERIMENTS;
        System.out.printf("effect %.2f on %.2f, planned power %.2f: %d units with always-valid intervals"
                        + " (fixed horizon would need %d, x%.2f); over %d experiments read every %d units,"
                        + " detected by the planned size %.3f, at the planned size %.3f%n",
                effect, BASE_RATE, power, plan.totalUnits(), plan.fixedHorizonUnits(),
                (double) plan.totalUnits() / plan.fixedHorizonUnits(), EXPERIMENTS, BATCH, byPlan, atPlan);
        assertThat(byPlan).as("detection rate by the planned size").isGreaterThanOrEqualTo(power);
        // a single look at the planned size is what the formula predicts: 0.80, 3 standard deviations of slack
        assertThat(atPlan).as("detection rate at the planned size").isGreaterThan(power - 0.04);
    }
}
