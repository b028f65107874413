package dev.goldilocks.router.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Beta;
import org.junit.jupiter.api.Test;

/**
 * The quadrature against closed forms, to 1e-7 (the bandit's propensities must be exact to 1e-6), including
 * the hard shapes: densities infinite at 0 or 1 (alpha or beta below 1) and densities a few thousandths wide.
 */
class ThompsonWinProbabilityTest {

    private static final double EXACT = 1e-7;

    private static double firstWins(double a1, double b1, double c1, double a2, double b2, double c2) {
        return ThompsonWinProbability.of(new double[] {a1, a2}, new double[] {b1, b2}, new double[] {c1, c2})[0];
    }

    @Test
    void againstAUniformRivalTheWinProbabilityIsTheMean() {
        // P(Q > U) = E[F_U(Q)] = E[Q] for U uniform on [0, 1]
        assertThat(firstWins(3, 7, 0, 1, 1, 0)).isCloseTo(0.3, offset(EXACT));
        assertThat(firstWins(0.001, 10, 0, 1, 1, 0)).as("density infinite at 0").isCloseTo(0.001 / 10.001,
                offset(EXACT));
        assertThat(firstWins(5, 0.2, 0, 1, 1, 0)).as("density infinite at 1").isCloseTo(5 / 5.2, offset(EXACT));
        assertThat(firstWins(0.01, 0.01, 0, 1, 1, 0)).as("infinite at both ends").isCloseTo(0.5, offset(EXACT));
    }

    @Test
    void powerLawsWinInProportionToTheirExponent() {
        // Beta(a, 1) has F(q) = q^a: P(Q1 > Q2) = integral of a q^(a-1) q^b dq = a / (a + b)
        assertThat(firstWins(0.3, 1, 0, 2, 1, 0)).isCloseTo(0.3 / 2.3, offset(EXACT));
        assertThat(firstWins(0.05, 1, 0, 0.2, 1, 0)).isCloseTo(0.05 / 0.25, offset(EXACT));
    }

    @Test
    void aPenaltyShiftsTheUniformRace() {
        // Q1 - Q2 is triangular on [-1, 1]: P(Q1 - Q2 > d) = (1 - d)^2 / 2 for d in [0, 1]
        assertThat(firstWins(1, 1, 0.3, 1, 1, 0)).isCloseTo(0.49 / 2, offset(EXACT));
        assertThat(firstWins(1, 1, 0, 1, 1, 0.9)).isCloseTo(1 - 0.01 / 2, offset(EXACT));
        assertThat(firstWins(1, 1, 2, 1, 1, 0)).as("a penalty no draw can overcome").isCloseTo(0, offset(EXACT));
    }

    @Test
    void peakedPosteriorsMatchTheIntegerParameterSum() {
        assertThat(firstWins(300, 200, 0, 290, 190, 0)).isCloseTo(exactBeats(300, 200, 290, 190), offset(EXACT));
        assertThat(firstWins(4000, 1000, 0, 3950, 1040, 0)).as("densities about 0.006 wide")
                .isCloseTo(exactBeats(4000, 1000, 3950, 1040), offset(EXACT));
        assertThat(firstWins(12, 3, 0, 40, 60, 0)).isCloseTo(exactBeats(12, 3, 40, 60), offset(EXACT));
    }

    @Test
    void threeCandidatesSumToOneAndASymmetricRaceIsFair() {
        double[] p = ThompsonWinProbability.of(new double[] {4, 4, 4}, new double[] {6, 6, 6}, new double[3]);
        assertThat(p).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, offset(EXACT));
        assertThat(ThompsonWinProbability.of(new double[] {2}, new double[] {5}, new double[] {0.1}))
                .containsExactly(1.0);
    }

    /**
     * 300 random posteriors, shapes from 0.001 (all the mass against an end) to 10,000 (a spike a few
     * thousandths wide), each against a uniform rival with a random penalty on either side, in both orders
     * (the quadrature integrates over the first candidate's density and the second's distribution function).
     */
    @Test
    void randomPosteriorsAgainstAUniformRival() {
        SplittableRandom random = new SplittableRandom(5);
        double worst = 0;
        for (int n = 0; n < 300; n++) {
            double a = Math.pow(10, random.nextDouble(-3, 4));
            double b = Math.pow(10, random.nextDouble(-3, 4));
            double s = random.nextDouble(-0.6, 0.6);
            double exact = expectedClipped(a, b, s);
            worst = Math.max(worst, Math.abs(firstWins(a, b, 0, 1, 1, s) - exact));
            worst = Math.max(worst, Math.abs(firstWins(1, 1, s, a, b, 0) - (1 - exact)));
        }
        assertThat(worst).isLessThan(EXACT);
    }

    @Test
    void randomIntegerPosteriorsAgainstEachOther() {
        SplittableRandom random = new SplittableRandom(8);
        double worst = 0;
        for (int n = 0; n < 100; n++) {
            int a1 = (int) Math.pow(10, random.nextDouble(0, 3.5));
            int b1 = (int) Math.pow(10, random.nextDouble(0, 3.5));
            int a2 = (int) Math.pow(10, random.nextDouble(0, 3.5));
            int b2 = (int) Math.pow(10, random.nextDouble(0, 3.5));
            worst = Math.max(worst, Math.abs(firstWins(a1, b1, 0, a2, b2, 0) - exactBeats(a1, b1, a2, b2)));
        }
        assertThat(worst).isLessThan(EXACT);
    }

    /**
     * P(Q - c1 > U - c2) = E[clip(Q + s, 0, 1)] for U uniform and s = c2 - c1, from
     * E[(Q - c)+] = mean (1 - I_c(a + 1, b)) - c (1 - I_c(a, b)).
     */
    private static double expectedClipped(double a, double b, double s) {
        double mean = a / (a + b);
        if (s >= 1) {
            return 1;
        }
        if (s <= -1) {
            return 0;
        }
        return s >= 0 ? mean + s - expectedExcess(a, b, 1 - s) : expectedExcess(a, b, -s);
    }

    private static double expectedExcess(double a, double b, double c) {
        return a / (a + b) * (1 - Beta.regularizedBeta(c, a + 1, b)) - c * (1 - Beta.regularizedBeta(c, a, b));
    }

    /**
     * P(Q1 > Q2) for integer alpha1 (Evan Miller's formula for Bayesian A/B tests): the sum over i below
     * alpha1 of B(alpha2 + i, beta1 + beta2) / ((beta1 + i) B(1 + i, beta1) B(alpha2, beta2)).
     */
    private static double exactBeats(int alpha1, int beta1, int alpha2, int beta2) {
        double sum = 0;
        for (int i = 0; i < alpha1; i++) {
            sum += Math.exp(Beta.logBeta(alpha2 + i, beta1 + beta2) - Math.log(beta1 + i) - Beta.logBeta(1 + i, beta1)
                    - Beta.logBeta(alpha2, beta2));
        }
        return sum;
    }
}
