package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArrivalScheduleTest {

    private static double[] gapsSeconds(ArrivalSchedule s) {
        double[] gaps = new double[s.size()];
        long previous = 0;
        for (int i = 0; i < s.size(); i++) {
            gaps[i] = (s.offsetNanos(i) - previous) / 1e9;
            previous = s.offsetNanos(i);
        }
        return gaps;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    private static double cv(double[] v) {
        double m = mean(v);
        double squares = 0;
        for (double x : v) {
            squares += (x - m) * (x - m);
        }
        return Math.sqrt(squares / (v.length - 1)) / m;
    }

    @Test
    void poissonArrivalsHaveTheRequestedMeanGapAndExponentialSpread() {
        ArrivalSchedule s = ArrivalSchedule.poisson(50, 10_000, 40_000, 7);
        assertThat(s.size()).isEqualTo(40_000); // the request count binds before the duration
        double[] gaps = gapsSeconds(s);
        assertThat(mean(gaps)).isCloseTo(1 / 50.0, within(0.03 / 50)); // 3%, about 6 standard errors
        assertThat(cv(gaps)).isCloseTo(1.0, within(0.05)); // the exponential's cv is 1
        for (int i = 1; i < s.size(); i++) {
            assertThat(s.offsetNanos(i)).isGreaterThanOrEqualTo(s.offsetNanos(i - 1));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 2.0, 3.0})
    void gammaArrivalsHaveTheRequestedCoefficientOfVariation(double cv) {
        double[] gaps = gapsSeconds(ArrivalSchedule.gamma(20, cv, 100_000, 100_000, 11));
        assertThat(mean(gaps)).isCloseTo(1 / 20.0, within(0.05 / 20));
        assertThat(cv(gaps)).isCloseTo(cv, within(0.1 * cv));
    }

    @Test
    void theDurationBoundsTheScheduleAndTheRateSetsHowManyFit() {
        ArrivalSchedule s = ArrivalSchedule.poisson(100, 30, 1_000_000, 3);
        assertThat(s.offsetNanos(s.size() - 1)).isLessThan(30_000_000_000L);
        assertThat(s.size()).isBetween(2700, 3300); // 3000 expected; sd about 55
    }

    @Test
    void aSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        ArrivalSchedule a = ArrivalSchedule.gamma(10, 2, 60, 500, 42);
        ArrivalSchedule b = ArrivalSchedule.gamma(10, 2, 60, 500, 42);
        ArrivalSchedule c = ArrivalSchedule.gamma(10, 2, 60, 500, 43);
        assertThat(b.size()).isEqualTo(a.size());
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.offsetNanos(i)).isEqualTo(a.offsetNanos(i));
        }
        assertThat(c.offsetNanos(0)).isNotEqualTo(a.offsetNanos(0));
    }

    @Test
    void badParametersAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> ArrivalSchedule.poisson(0, 10, 10, 1)).hasMessageStartingWith("rate:");
        assertThatThrownBy(() -> ArrivalSchedule.gamma(1, -1, 10, 10, 1)).hasMessageStartingWith("cv:");
        assertThatThrownBy(() -> ArrivalSchedule.poisson(1, 10, 0, 1)).hasMessageContaining("at least one request");
    }
}
