package dev.goldilocks.stats.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each verdict from arms whose statistics are known, and the sentence that explains it. */
class ExperimentAnalysisTest {

    private static final long UNITS = 20_000;
    private static final MetricSpec QUALITY = new MetricSpec("quality", Direction.HIGHER_IS_BETTER, 0.01);
    private static final MetricSpec LATENCY = new MetricSpec("latency_seconds", Direction.LOWER_IS_BETTER, 0.05);
    private static final MetricSpec COST = new MetricSpec("cost_per_request_usd", Direction.LOWER_IS_BETTER, 0.0002);

    private final ExperimentAnalysis analysis = new ExperimentAnalysis(
            ExperimentDesign.of(QUALITY, List.of(LATENCY, COST), 0.05, 2 * UNITS));

    @Test
    void betterOnThePrimaryMetricWithEveryGuardrailHeldIsTreatmentBetter() {
        ArmResult result = read(arm("control", UNITS, 0.70, 0.80, 1.0), arm("threshold", UNITS, 0.74, 0.80, 1.0));

        System.out.println(result.explanation());
        assertThat(result.verdict()).isEqualTo(Verdict.TREATMENT_BETTER);
        assertThat(result.primary().interval().above(0)).isTrue();
        assertThat(result.guardrails()).extracting(MetricResult::nonInferiority)
                .containsOnly(MetricResult.GuardrailStatus.HELD);
        assertThat(result.explanation()).startsWith("'threshold' is better than control on quality (0.74 against 0.7,"
                + " difference 0.04, always-valid 95% interval");
    }

    @Test
    void aGuardrailWorseThanItsMarginWinsOverABetterPrimaryMetric() {
        // the treatment answers better but 0.3 s slower, where 0.05 s is tolerated
        ArmResult result = read(arm("control", UNITS, 0.70, 0.80, 1.0), arm("slow", UNITS, 0.74, 1.10, 1.0));

        System.out.println(result.explanation());
        assertThat(result.verdict()).isEqualTo(Verdict.GUARDRAIL_BREACHED);
        assertThat(result.guardrails().get(0).nonInferiority()).isEqualTo(MetricResult.GuardrailStatus.BREACHED);
        assertThat(result.explanation()).startsWith("'slow' is worse than control on latency_seconds by more than the"
                + " allowed 0.05").endsWith("so its traffic should go back to control.");
    }

    @Test
    void aSmallHarmWithinTheMarginHoldsTheGuardrail() {
        // 0.01 s slower with 0.05 s tolerated: non-inferior
        ArmResult result = read(arm("control", UNITS, 0.70, 0.80, 1.0), arm("t", UNITS, 0.74, 0.81, 1.0));

        assertThat(result.guardrails().get(0).nonInferiority()).isEqualTo(MetricResult.GuardrailStatus.HELD);
        assertThat(result.verdict()).isEqualTo(Verdict.TREATMENT_BETTER);
    }

    @Test
    void betterButWithAGuardrailNotYetShownWithinItsMarginKeepsRunning() {
        // few units: quality is clearly better, latency's interval still reaches past its margin
        ArmResult result = read(arm("control", 400, 0.50, 0.80, 1.0), arm("t", 400, 0.75, 0.80, 1.0));

        System.out.println(result.explanation());
        assertThat(result.primary().finding()).isEqualTo(MetricResult.Finding.BETTER);
        assertThat(result.guardrails().get(0).nonInferiority()).isEqualTo(MetricResult.GuardrailStatus.PENDING);
        assertThat(result.verdict()).isEqualTo(Verdict.RUNNING);
        assertThat(result.explanation()).contains("looks better on quality", "latency_seconds",
                "not yet shown to be within its margin");
    }

    @Test
    void aDifferenceInsideThePrimaryMarginIsNoDifference() {
        ArmResult result = read(arm("control", 100_000, 0.70, 0.80, 1.0), arm("t", 100_000, 0.701, 0.80, 1.0));

        System.out.println(result.explanation());
        assertThat(result.verdict()).isEqualTo(Verdict.NO_DIFFERENCE);
        assertThat(result.explanation()).contains("by less than 0.01, the smallest difference that matters");
    }

    @Test
    void worseOnThePrimaryMetricIsTreatmentWorse() {
        ArmResult result = read(arm("control", UNITS, 0.70, 0.80, 1.0), arm("t", UNITS, 0.65, 0.80, 1.0));

        assertThat(result.verdict()).isEqualTo(Verdict.TREATMENT_WORSE);
        assertThat(result.explanation()).contains("worse than control on quality", "keep control");
    }

    @Test
    void anUndecidedPrimaryMetricKeepsRunningAndSaysLookingIsSafe() {
        ArmResult result = read(arm("control", 500, 0.70, 0.80, 1.0), arm("t", 500, 0.71, 0.80, 1.0));

        System.out.println(result.explanation());
        assertThat(result.verdict()).isEqualTo(Verdict.RUNNING);
        assertThat(result.explanation()).contains("No conclusion yet on quality", "stay valid however often");
    }

    @Test
    void noVerdictBeforeEachArmHasTheMinimumUnits() {
        ArmResult result = read(arm("control", 60, 0.10, 0.80, 1.0), arm("t", 50, 0.90, 0.80, 1.0));

        assertThat(result.verdict()).isEqualTo(Verdict.RUNNING);
        assertThat(result.explanation()).isEqualTo("Still collecting: 't' has 50 units and control 60, and a reading"
                + " needs at least 100 in each.");
    }

    @Test
    void everyTreatmentArmIsComparedWithControl() {
        ExperimentReport report = analysis.analyze(arm("control", UNITS, 0.70, 0.80, 1.0), List.of(
                arm("better", UNITS, 0.74, 0.80, 1.0), arm("slow", UNITS, 0.70, 1.10, 1.0)));

        assertThat(report.control()).isEqualTo("control");
        assertThat(report.treatments()).extracting(ArmResult::arm, ArmResult::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple("better", Verdict.TREATMENT_BETTER),
                org.assertj.core.groups.Tuple.tuple("slow", Verdict.GUARDRAIL_BREACHED));
    }

    @Test
    void aMetricMissingFromAnArmIsNamed() {
        Arm bare = new Arm("t", 1, UNITS, Map.of("quality", Moments.of(UNITS, 0.7, 0.46)));
        assertThatThrownBy(() -> read(arm("control", UNITS, 0.70, 0.80, 1.0), bare))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metrics of arm 't': no statistic for 'latency_seconds'");
    }

    private ArmResult read(Arm control, Arm treatment) {
        return analysis.analyze(control, List.of(treatment)).treatments().get(0);
    }

    /**
     * An arm with the given quality rate, mean latency (sd 0.3 s) and cost per request: every unit sends 4
     * requests costing {@code costScale} x 1 mUSD each on average (sd across units 0.4 mUSD per request).
     */
    private static Arm arm(String name, long units, double quality, double latency, double costScale) {
        double perRequest = 0.001 * costScale;
        double perUnit = 4 * perRequest;
        double unitSd = 4 * 0.0004;
        RatioMoments cost = new RatioMoments(units, units * perUnit, units * 4.0,
                (units - 1) * unitSd * unitSd + units * perUnit * perUnit, units * 16.0, units * perUnit * 4);
        return new Arm(name, 1, units, Map.of(
                "quality", Moments.of(units, quality, Math.sqrt(quality * (1 - quality))),
                "latency_seconds", Moments.of(units, latency, 0.3),
                "cost_per_request_usd", cost));
    }
}
