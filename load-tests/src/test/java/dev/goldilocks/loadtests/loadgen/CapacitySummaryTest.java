package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CapacitySummaryTest {

    /** A run at {@code rate} where {@code good} of 100 requests succeed fast and the rest fail. */
    private static StepResult run(String policy, double rate, int good, double quality) {
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean ok = i < good;
            records.add(new RequestRecord(i, i * 1_000_000L, 0, ok ? "OK" : "RESOURCE_EXHAUSTED", "", "", 5_000_000,
                    1_000_000, 100_000, 4, 0.001, "m", policy, "math", ok ? quality : Double.NaN));
        }
        return StepResult.of(policy, ArrivalSchedule.poisson(rate, 10, 100, 1), new LoadRun.Records(records, 1_000_000_000L),
                new Slo(0.5, null, 2.0)).withServerCpuSeconds(0.5);
    }

    @Test
    void capacityIsTheHighestRateMeetingTheAttainmentWithEveryLowerRateToo() {
        List<StepResult> steps = List.of(run("a", 2, 100, 1), run("b", 2, 100, 0), run("a", 4, 95, 1),
                run("b", 4, 80, 0), run("a", 8, 70, 1), run("b", 8, 95, 0), run("a", 16, 92, 1));
        CapacitySummary summary = CapacitySummary.of(steps, 0.9);
        CapacitySummary.PolicyCapacity a = summary.policies().get(0);
        CapacitySummary.PolicyCapacity b = summary.policies().get(1);
        assertThat(a.capacity()).isEqualTo(4.0); // 16 met it again, but 8 did not: the curve broke at 8
        assertThat(a.nextRate()).isEqualTo(8.0);
        assertThat(a.metAgainAt()).containsExactly(16.0); // reported, so a noisy curve is seen as one
        assertThat(b.metAgainAt()).containsExactly(8.0);
        assertThat(b.capacity()).isEqualTo(2.0);
        assertThat(summary.commonCapacity()).isEqualTo(2.0);
        assertThat(a.maxGoodput()).isEqualTo(100.0); // 100 good requests in the 1 s wall time, at rate 2
        assertThat(a.cpuSecondsPer1kAt(4.0)).isCloseTo(0.5 / 95 * 1000, within(1e-9));
        assertThat(a.costPer1kUsd()).isCloseTo(1.0, within(1e-9));
        assertThat(a.quality().mean()).isEqualTo(1.0);
        assertThat(b.quality().mean()).isEqualTo(0.0);
    }

    @Test
    void pooledQualityEqualsTheQualityOfAllAnswersTogether() {
        SplittableRandom random = new SplittableRandom(3);
        List<RequestRecord> all = new ArrayList<>();
        List<Quality> parts = new ArrayList<>();
        for (int part = 0; part < 4; part++) {
            List<RequestRecord> records = new ArrayList<>();
            for (int i = 0; i < 10 + 7 * part; i++) {
                records.add(new RequestRecord(i, 0, 0, "OK", "", "", 1, 1, -1, 1, 0, "m", "p", "code",
                        random.nextDouble() * (part + 1) / 4));
            }
            parts.add(Quality.of(records.stream()));
            all.addAll(records);
        }
        Quality together = Quality.of(all.stream());
        Quality pooled = Quality.pooled(parts);
        assertThat(pooled.n()).isEqualTo(together.n());
        assertThat(pooled.mean()).isCloseTo(together.mean(), within(1e-12));
        assertThat(pooled.ci95()).isCloseTo(together.ci95(), within(1e-12));
    }
}
