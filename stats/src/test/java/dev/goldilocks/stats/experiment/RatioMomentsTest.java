package dev.goldilocks.stats.experiment;

import org.apache.commons.math3.stat.StatUtils;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delta method against simulation: cost per request where each user sends several requests whose costs share
 * the user's own level (long prompts, say), so requests of one user are correlated.
 */
class RatioMomentsTest {

    private static final int REPETITIONS = 2_000;
    private static final int UNITS = 500;

    @Test
    void theDeltaMethodVarianceMatchesTheRatiosVarianceAcrossRepetitionsAndTheNaiveOneDoesNot() {
        SplittableRandom random = new SplittableRandom(5);
        double[] ratios = new double[REPETITIONS];
        double deltaVariance = 0;
        double naiveVariance = 0;
        for (int r = 0; r < REPETITIONS; r++) {
            RatioMoments arm = RatioMoments.EMPTY;
            MeanMoments perRequest = MeanMoments.EMPTY;
            for (int u = 0; u < UNITS; u++) {
                int requests = 1 + (int) (-Math.log(1 - random.nextDouble()) * 4); // geometric-like, mean ~4.5
                double userLevel = Math.exp(0.8 * gaussian(random)) * 0.002;
                double cost = 0;
                for (int q = 0; q < requests; q++) {
                    double c = userLevel * (0.5 + random.nextDouble());
                    cost += c;
                    perRequest = perRequest.add(c);
                }
                arm = arm.add(cost, requests);
            }
            ratios[r] = arm.mean();
            deltaVariance += arm.varianceOfMean() / REPETITIONS;
            naiveVariance += perRequest.varianceOfMean() / REPETITIONS;
        }
        double empirical = StatUtils.variance(ratios);
        System.out.printf("cost per request over %d users, %d repetitions: delta-method variance / observed = %.3f;"
                + " requests-as-independent variance / observed = %.3f%n", UNITS, REPETITIONS,
                deltaVariance / empirical, naiveVariance / empirical);
        // 2,000 repetitions: the observed variance itself is known to about +-3% (one standard deviation)
        assertThat(deltaVariance / empirical).isBetween(0.9, 1.1);
        assertThat(naiveVariance / empirical).as("treating a user's requests as independent").isLessThan(0.7);
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
