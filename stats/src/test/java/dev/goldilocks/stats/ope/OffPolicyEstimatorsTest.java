package dev.goldilocks.stats.ope;

import dev.goldilocks.stats.ope.RoutingWorld.Outcome;
import org.apache.commons.math3.stat.StatUtils;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.goldilocks.stats.ope.RoutingWorld.GENERIC_ONLY;
import static dev.goldilocks.stats.ope.RoutingWorld.LOGGING;
import static dev.goldilocks.stats.ope.RoutingWorld.MIXED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Each estimator against known truth: many logs drawn from an exploring logging policy, each estimated for a
 * target whose true value the simulation knows.
 */
class OffPolicyEstimatorsTest {

    private static final double LEVEL = 0.95;
    private static final int LOGS = 500;
    private static final int RECORDS = 2_000;

    private static final List<OffPolicyEstimator> ESTIMATORS = List.of(new InversePropensityScoring(LEVEL),
            new SelfNormalizedIps(LEVEL), new DoublyRobust(LEVEL));

    @Test
    void everyIntervalCoversTheMixedPolicysTrueQualityAtAboutTheNominalRate() {
        assertCoverage(Outcome.QUALITY, MIXED, RoutingWorld.directModel(Outcome.QUALITY, 0.03), 11);
    }

    @Test
    void everyIntervalCoversTheGenericOnlyPolicysTrueQualityAtAboutTheNominalRate() {
        // weights of 10 on generic in math and code: the hardest target for this log
        assertCoverage(Outcome.QUALITY, GENERIC_ONLY, RoutingWorld.directModel(Outcome.QUALITY, 0.03), 12);
    }

    @Test
    void everyIntervalCoversTheMixedPolicysTrueLatencyAtAboutTheNominalRate() {
        // exponential latencies: skewed outcomes, unlike the 0/1 quality
        assertCoverage(Outcome.LATENCY, MIXED, RoutingWorld.directModel(Outcome.LATENCY, 0.05), 13);
    }

    @Test
    void doublyRobustStillCoversWithADirectModelThatKnowsNothing() {
        // the propensities are right, so the residual term corrects the useless direct model
        int covered = coverage(List.of(new DoublyRobust(LEVEL)), Outcome.QUALITY, MIXED,
                RoutingWorld.constantModel(0.5), 14)[0];
        System.out.printf("dr with a constant direct model: coverage %.3f over %d logs%n",
                (double) covered / LOGS, LOGS);
        assertThat((double) covered / LOGS).isBetween(0.92, 0.98);
    }

    @Test
    void evaluatingTheLoggingPolicyItselfReturnsItsOnPolicyMean() {
        List<LoggedDecision> log = RoutingWorld.log(new SplittableRandom(21), RECORDS, Outcome.QUALITY, LOGGING,
                LOGGING, RoutingWorld.directModel(Outcome.QUALITY, 0.03));
        OffPolicyEvaluation evaluation = OffPolicyEvaluation.of(log, LEVEL);
        double onPolicy = evaluation.logged().value();
        OffPolicyEstimate ips = evaluation.estimates().get(0);
        OffPolicyEstimate snips = evaluation.estimates().get(1);
        OffPolicyEstimate dr = evaluation.estimates().get(2);
        // every weight is 1: IPS and SNIPS are the plain mean, and the log is worth all its records
        assertThat(ips.value()).isCloseTo(onPolicy, within(1e-12));
        assertThat(snips.value()).isCloseTo(onPolicy, within(1e-12));
        assertThat(ips.effectiveSampleSize()).isCloseTo(RECORDS, within(1e-6));
        // DR adds a mean-zero term (the direct model's average minus its prediction for the logged choice)
        assertThat(dr.interval().contains(onPolicy)).isTrue();
        assertThat(Math.abs(dr.value() - onPolicy)).isLessThan(0.01);
        assertThat(evaluation.gaps()).isEmpty();
        assertThat(evaluation.supported()).isTrue();
    }

    @Test
    void doublyRobustHasFarLowerVarianceThanIpsWhenTheDirectModelIsGood() {
        SplittableRandom random = new SplittableRandom(31);
        double[] ips = new double[LOGS];
        double[] dr = new double[LOGS];
        double ipsWidth = 0;
        double drWidth = 0;
        for (int i = 0; i < LOGS; i++) {
            List<LoggedDecision> log = RoutingWorld.log(random, RECORDS, Outcome.QUALITY, LOGGING, GENERIC_ONLY,
                    RoutingWorld.directModel(Outcome.QUALITY, 0.02));
            OffPolicyEstimate a = new InversePropensityScoring(LEVEL).estimate(log);
            OffPolicyEstimate b = new DoublyRobust(LEVEL).estimate(log);
            ips[i] = a.value();
            dr[i] = b.value();
            ipsWidth += a.interval().width() / LOGS;
            drWidth += b.interval().width() / LOGS;
        }
        double ratio = StatUtils.variance(dr) / StatUtils.variance(ips);
        System.out.printf("generic-only from the specialist log: var(dr) / var(ips) = %.3f over %d logs;"
                + " mean interval width ips %.4f, dr %.4f%n", ratio, LOGS, ipsWidth, drWidth);
        assertThat(ratio).isLessThan(0.5);
        assertThat(drWidth).isLessThan(ipsWidth);
    }

    @Test
    void aTargetChoiceTheLogNeverTriedIsReportedByContextAndModel() {
        // the logging policy never sends prose to code-small; the target sends half of prose there
        List<Map<String, Double>> logging = List.of(LOGGING.get(0), LOGGING.get(1),
                Map.of("generic", 0.9, "math-small", 0.1));
        List<Map<String, Double>> target = List.of(Map.of("generic", 1.0), Map.of("generic", 1.0),
                Map.of("generic", 0.5, "code-small", 0.5));
        List<LoggedDecision> log = RoutingWorld.log(new SplittableRandom(41), RECORDS, Outcome.QUALITY, logging,
                target, RoutingWorld.directModel(Outcome.QUALITY, 0.03));
        OffPolicyEvaluation evaluation = OffPolicyEvaluation.of(log, LEVEL);

        assertThat(evaluation.supported()).isFalse();
        assertThat(evaluation.gaps()).hasSize(1);
        SupportGap gap = evaluation.gaps().get(0);
        assertThat(gap.context()).isEqualTo("prose");
        assertThat(gap.action()).isEqualTo("code-small");
        assertThat(gap.kind()).isEqualTo(SupportGap.Kind.NO_PROPENSITY);
        assertThat(gap.targetShare()).isCloseTo(0.5, within(1e-9));
        System.out.println(gap.sentence());
        assertThat(gap.sentence()).contains("50% of 'prose' traffic to 'code-small'", "propensity 0");
    }

    @Test
    void aTargetChoiceTheLogCouldHaveMadeButNeverDidIsReportedToo() {
        Map<String, Double> logging = Map.of("generic", 0.99, "math-small", 0.01);
        Map<String, Double> target = Map.of("math-small", 1.0);
        Map<String, Double> predicted = Map.of("generic", 0.7, "math-small", 0.8);
        List<LoggedDecision> log = List.of(
                new LoggedDecision("math", "generic", logging, 1, target, predicted),
                new LoggedDecision("math", "generic", logging, 0, target, predicted));

        List<SupportGap> gaps = new SupportCheck().gaps(log);

        assertThat(gaps).containsExactly(new SupportGap("math", "math-small", SupportGap.Kind.NEVER_OBSERVED, 2,
                1.0));
    }

    private static void assertCoverage(Outcome outcome, List<Map<String, Double>> target,
                                       List<Map<String, Double>> predicted, long seed) {
        int[] covered = coverage(ESTIMATORS, outcome, target, predicted, seed);
        for (int e = 0; e < ESTIMATORS.size(); e++) {
            double rate = (double) covered[e] / LOGS;
            System.out.printf("%s of %s for %s: 95%% interval covered the truth in %.3f of %d logs%n",
                    ESTIMATORS.get(e).name(), outcome, target == MIXED ? "mixed" : "generic-only", rate, LOGS);
            // 500 logs: the rate's standard deviation at 0.95 is 0.0097
            assertThat(rate).as("%s coverage of %s", ESTIMATORS.get(e).name(), outcome).isBetween(0.92, 0.98);
        }
    }

    /** How many of {@value #LOGS} simulated logs each estimator's interval covers the truth in. */
    private static int[] coverage(List<OffPolicyEstimator> estimators, Outcome outcome,
                                  List<Map<String, Double>> target, List<Map<String, Double>> predicted, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double truth = RoutingWorld.trueValue(outcome, target);
        int[] covered = new int[estimators.size()];
        for (int i = 0; i < LOGS; i++) {
            List<LoggedDecision> log = RoutingWorld.log(random, RECORDS, outcome, LOGGING, target, predicted);
            for (int e = 0; e < covered.length; e++) {
                if (estimators.get(e).estimate(log).interval().contains(truth)) {
                    covered[e]++;
                }
            }
        }
        return covered;
    }

    @Test
    void aRecordThatCouldNotHaveBeenLoggedIsRefusedNamingTheField() {
        Map<String, Double> target = Map.of("generic", 1.0);
        assertThatThrownBy(() -> new LoggedDecision("math", "code-small", Map.of("generic", 1.0), 1, target,
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("logging:");
        assertThatThrownBy(() -> new LoggedDecision("math", "generic", Map.of("generic", 1.0), 1,
                Map.of("generic", 0.6), Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("target:");
        List<LoggedDecision> withoutPredictions = List.of(new LoggedDecision("math", "generic",
                Map.of("generic", 1.0), 1, target, Map.of()));
        assertThatThrownBy(() -> new DoublyRobust(LEVEL).estimate(withoutPredictions))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("predicted:");
        assertThat(OffPolicyEvaluation.of(withoutPredictions, LEVEL).estimates()).extracting(OffPolicyEstimate::estimator)
                .containsExactly("ips", "snips");
    }
}
