package dev.goldilocks.stats.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SampleRatioTestTest {

    private static final String METRIC = "quality";
    private final ExperimentAnalysis analysis = new ExperimentAnalysis(ExperimentDesign.of(
            new MetricSpec(METRIC, Direction.HIGHER_IS_BETTER, 0), List.of(), 0.05, 10_000));

    @Test
    void aFiftyFiftyExperimentThatGotFortyEightFiftyTwoAtTenThousandUnitsIsBlocked() {
        // the treatment is far better; the mismatch must still block the verdict
        ExperimentReport report = analysis.analyze(arm("control", 4_800, 0.70), List.of(arm("treatment", 5_200, 0.90)));

        System.out.printf("4800 / 5200 at 50/50: sample-ratio p = %.2g%n", report.sampleRatio().pValue());
        System.out.println(report.treatments().get(0).explanation());
        assertThat(report.sampleRatio().mismatch()).isTrue();
        assertThat(report.sampleRatio().pValue()).isLessThan(0.001);
        assertThat(report.treatments().get(0).verdict()).isEqualTo(Verdict.SAMPLE_RATIO_MISMATCH);
        assertThat(report.treatments().get(0).explanation()).contains("4800 / 5200", "50% / 50%", "blocked");
    }

    @Test
    void aSplitWithinChanceIsNotFlagged() {
        ExperimentReport report = analysis.analyze(arm("control", 4_950, 0.70), List.of(arm("treatment", 5_050, 0.90)));

        assertThat(report.sampleRatio().mismatch()).isFalse();
        assertThat(report.sampleRatio().pValue()).isGreaterThan(0.3);
        assertThat(report.treatments().get(0).verdict()).isEqualTo(Verdict.TREATMENT_BETTER);
    }

    @Test
    void unequalWeightsAreWhatTheCountsAreTestedAgainst() {
        SampleRatioTest test = new SampleRatioTest(0.001);
        Arm control = new Arm("control", 8, 8_000, Map.of());
        Arm treatment = new Arm("treatment", 2, 2_000, Map.of());
        assertThat(test.test(List.of(control, treatment)).pValue()).isCloseTo(1.0, within(1e-9));
        assertThat(test.test(List.of(new Arm("control", 1, 8_000, Map.of()), new Arm("treatment", 1, 2_000,
                Map.of()))).mismatch()).isTrue();
    }

    @Test
    void honestFiftyFiftyAssignmentRaisesTheAlarmAboutOnceInAThousand() {
        SplittableRandom random = new SplittableRandom(7);
        SampleRatioTest test = new SampleRatioTest(0.001);
        int alarms = 0;
        int experiments = 2_000;
        for (int e = 0; e < experiments; e++) {
            // 10,000 fair coins: the set bits of 156 random longs (9,984 coins) and of 16 random bits
            long treatment = Long.bitCount(random.nextInt() & 0xFFFF);
            for (int word = 0; word < 156; word++) {
                treatment += Long.bitCount(random.nextLong());
            }
            alarms += test.test(List.of(new Arm("control", 1, 10_000 - treatment, Map.of()),
                    new Arm("treatment", 1, treatment, Map.of()))).mismatch() ? 1 : 0;
        }
        System.out.printf("honest 50/50 at 10,000 units: sample-ratio alarms in %d of %d experiments%n", alarms,
                experiments);
        // expected 2 (p < 0.001 of 2,000); 8 or more has probability below 0.001
        assertThat(alarms).isLessThan(8);
    }

    private static Arm arm(String name, long units, double qualityRate) {
        return new Arm(name, 1, units, Map.of(METRIC, Moments.of(units, qualityRate,
                Math.sqrt(qualityRate * (1 - qualityRate)))));
    }
}
