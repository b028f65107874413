package dev.goldilocks.gateway.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** 95% intervals that stay honest at a mean of 0 or 1. */
class MeanIntervalTest {

    @Test
    void allWrongOrAllRightIsNotAPoint() {
        QualityTally none = tally(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(none.interval95().low()).isZero();
        assertThat(none.interval95().high()).as("Wilson, 0 of 10").isCloseTo(0.2775, within(1e-3));
        QualityTally all = tally(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertThat(all.interval95().high()).isCloseTo(1, within(1e-9));
        assertThat(all.interval95().low()).isCloseTo(0.7225, within(1e-3));
    }

    @Test
    void wilsonForZeroOneScoresAndJeffreysForGradedOnes() {
        QualityTally binary = tally(1, 0, 1, 1, 0);
        assertThat(binary.binary()).isTrue();
        assertThat(binary.interval95().low()).as("Wilson, 3 of 5").isCloseTo(0.2307, within(1e-3));
        assertThat(binary.interval95().high()).isCloseTo(0.8824, within(1e-3));
        QualityTally chrf = tally(0, 0, 0, 0, 0.1);
        assertThat(chrf.binary()).isFalse();
        MeanInterval graded = chrf.interval95();
        assertThat(graded.low()).isGreaterThanOrEqualTo(0).isLessThan(chrf.mean());
        assertThat(graded.high()).isGreaterThan(chrf.mean()).isLessThan(1);
        QualityTally zeros = tally(0, 0, 0, 0.5);
        assertThat(zeros.interval95().high()).as("a graded tally near 0 keeps a width").isGreaterThan(0.2);
    }

    private static QualityTally tally(double... xs) {
        QualityTally t = QualityTally.EMPTY;
        for (double x : xs) {
            t = t.add(x);
        }
        return t;
    }
}
