package dev.goldilocks.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.goldilocks.router.stats.Estimate;
import dev.goldilocks.router.stats.LiveStats;
import dev.goldilocks.router.stats.Prior;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * The bandit's logged propensity is the exact probability of its choice: against 200,000 Thompson draws
 * (Commons Math's Beta sampler, not the code under test) it agrees within 0.005, about four and a half
 * standard deviations of the Monte Carlo estimate at p = 0.5.
 */
class PoliciesBanditPropensityTest {

    private static final ModelCatalog CATALOG = new ModelCatalog(List.of(
            new CandidateModel("big", CandidateModel.GENERIC, ""),
            new CandidateModel("math-small", CandidateModel.SPECIALIST, "math")), List.of("math", "prose"));
    private static final DomainPrediction MATH = new DomainPrediction("math", 1, "", "test");
    private static final int DRAWS = 200_000;
    private static final double LAMBDA = 100;
    private static final double MU = 0.5;

    @Test
    void closeRivalsWithCostsAndLatency() {
        check(new Prior(Map.of("math", 0.62), 0.20, 0.0010, 12), new Prior(Map.of("math", 0.45), 0.05, 0.0002, 8), 0);
    }

    @Test
    void aPeakedPosteriorAgainstAVagueOne() {
        check(new Prior(Map.of("math", 0.7), 0.10, 0.0005, 400), new Prior(Map.of("math", 0.6), 0.02, 0.0001, 3), 0.1);
    }

    @Test
    void posteriorsPiledAgainstZeroAndOne() {
        check(new Prior(Map.of("math", 0.03), 0, 0, 10), new Prior(Map.of("math", 0.97), 0.1, 0.004, 0.5), 0.05);
    }

    private static void check(Prior generic, Prior specialist, double floor) {
        LiveStats stats = new LiveStats(Map.of("big", generic, "math-small", specialist), 500);
        ActionDistribution exact = new BanditPolicy(stats, LAMBDA, MU, floor, new SplittableRandom(1))
                .distribution(MATH, CATALOG);
        Estimate big = stats.estimate("big", "math");
        Estimate small = stats.estimate("math-small", "math");
        BetaDistribution bigQuality = new BetaDistribution(new Well19937c(17), big.alpha(), big.beta());
        BetaDistribution smallQuality = new BetaDistribution(new Well19937c(18), small.alpha(), small.beta());
        int smallWins = 0;
        for (int i = 0; i < DRAWS; i++) {
            double bigUtility = bigQuality.sample() - LAMBDA * big.costUsd() - MU * big.latencySeconds();
            double smallUtility = smallQuality.sample() - LAMBDA * small.costUsd() - MU * small.latencySeconds();
            smallWins += smallUtility > bigUtility ? 1 : 0;
        }
        double monteCarlo = floor / 2 + (1 - floor) * smallWins / (double) DRAWS;
        assertThat(exact.probability("math-small")).as("exact %s against Monte Carlo %.4f", exact, monteCarlo)
                .isCloseTo(monteCarlo, offset(0.005));
        assertThat(exact.probability("big") + exact.probability("math-small")).isCloseTo(1, offset(1e-12));
    }
}
