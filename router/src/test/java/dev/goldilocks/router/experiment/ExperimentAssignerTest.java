package dev.goldilocks.router.experiment;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExperimentAssignerTest {

    private static final int UNITS = 100_000;
    private static final List<ArmWeight> FIFTY_FIFTY = List.of(new ArmWeight("control", 1),
            new ArmWeight("treatment", 1));

    @Test
    void oneHundredThousandUnitsSplitAsTheWeightsSay() {
        ExperimentAssigner assigner = new ExperimentAssigner("policy-test", "s1", List.of(
                new ArmWeight("specialist-by-domain", 2), new ArmWeight("threshold", 3), new ArmWeight("cascade", 5)),
                1.0);
        Map<String, Long> counts = new HashMap<>();
        for (int u = 0; u < UNITS; u++) {
            counts.merge(assigner.assign("user-" + u).orElseThrow(), 1L, Long::sum);
        }
        long[] observed = {counts.get("specialist-by-domain"), counts.get("threshold"), counts.get("cascade")};
        double[] expected = {0.2, 0.3, 0.5};
        double p = new ChiSquareTest().chiSquareTest(expected, observed);
        System.out.printf("assignment 20/30/50 over %d units: %d / %d / %d, chi-squared p = %.3f%n", UNITS,
                observed[0], observed[1], observed[2], p);
        assertThat(p).as("chi-squared p of the split against 20/30/50").isGreaterThan(0.001);
        assertThat(assigner.plannedShares()).containsExactly(0.2, 0.3, 0.5);
    }

    @Test
    void aUnitKeepsItsArmAcrossInstancesAndANewSaltReRandomisesAboutHalf() {
        ExperimentAssigner first = new ExperimentAssigner("policy-test", "s1", FIFTY_FIFTY, 1.0);
        ExperimentAssigner again = new ExperimentAssigner("policy-test", "s1", FIFTY_FIFTY, 1.0);
        ExperimentAssigner resalted = new ExperimentAssigner("policy-test", "s2", FIFTY_FIFTY, 1.0);
        int changed = 0;
        for (int u = 0; u < UNITS; u++) {
            String unit = "user-" + u;
            String arm = first.assign(unit).orElseThrow();
            assertThat(first.assign(unit)).contains(arm);
            assertThat(again.assign(unit)).contains(arm);
            if (!resalted.assign(unit).orElseThrow().equals(arm)) {
                changed++;
            }
        }
        double share = (double) changed / UNITS;
        System.out.printf("a new salt moved %.4f of %d units in a 50/50 split%n", share, UNITS);
        assertThat(share).isBetween(0.49, 0.51);
    }

    @Test
    void anotherExperimentRandomisesIndependently() {
        ExperimentAssigner a = new ExperimentAssigner("exp-a", "s", FIFTY_FIFTY, 1.0);
        ExperimentAssigner b = new ExperimentAssigner("exp-b", "s", FIFTY_FIFTY, 1.0);
        int same = 0;
        for (int u = 0; u < UNITS; u++) {
            if (a.assign("user-" + u).equals(b.assign("user-" + u))) {
                same++;
            }
        }
        assertThat((double) same / UNITS).isBetween(0.49, 0.51);
    }

    @Test
    void theTrafficShareAdmitsThatShareAndRaisingItMovesNobodyAlreadyIn() {
        ExperimentAssigner fifth = new ExperimentAssigner("ramp", "s", FIFTY_FIFTY, 0.2);
        ExperimentAssigner half = new ExperimentAssigner("ramp", "s", FIFTY_FIFTY, 0.5);
        int inFifth = 0;
        int inHalf = 0;
        for (int u = 0; u < UNITS; u++) {
            String unit = "user-" + u;
            Optional<String> before = fifth.assign(unit);
            Optional<String> after = half.assign(unit);
            if (before.isPresent()) {
                inFifth++;
                assertThat(after).as("unit %s after the ramp-up", unit).isEqualTo(before);
            }
            if (after.isPresent()) {
                inHalf++;
            }
        }
        // 100,000 x 0.2 = 20,000 +- 126 (one standard deviation)
        assertThat(inFifth).isBetween(19_500, 20_500);
        assertThat(inHalf).isBetween(49_500, 50_500);
    }

    @Test
    void badDefinitionsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new ExperimentAssigner("e", "s",
                List.of(new ArmWeight("a", 0), new ArmWeight("b", 0)), 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("weights:");
        assertThatThrownBy(() -> new ExperimentAssigner("e", "s", FIFTY_FIFTY, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("trafficShare:");
        assertThatThrownBy(() -> new ExperimentAssigner("e", "s",
                List.of(new ArmWeight("a", 1), new ArmWeight("a", 1)), 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("arms:");
        assertThatThrownBy(() -> new ArmWeight("a", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight of arm 'a'");
        ExperimentAssigner ok = new ExperimentAssigner("e", "s", FIFTY_FIFTY, 1.0);
        assertThatThrownBy(() -> ok.assign(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unit:");
    }
}
