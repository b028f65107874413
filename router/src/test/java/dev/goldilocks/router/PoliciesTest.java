package dev.goldilocks.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.router.stats.LiveStats;
import dev.goldilocks.router.stats.Prior;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoliciesTest {

    private static final ModelCatalog CATALOG = new ModelCatalog(List.of(
            new CandidateModel("big", CandidateModel.GENERIC, ""),
            new CandidateModel("math-small", CandidateModel.SPECIALIST, "math"),
            new CandidateModel("code-small", CandidateModel.SPECIALIST, "code")), List.of("code", "legal", "prose", "math"));

    private static DomainPrediction math(double confidence) {
        return new DomainPrediction("math", confidence, "code", "test");
    }

    @Test
    void thresholdSendsToTheSpecialistExactlyFromTau() {
        ThresholdPolicy policy = new ThresholdPolicy(0.8);
        assertThat(policy.choose(math(0.8), CATALOG).model()).isEqualTo("math-small");
        assertThat(policy.choose(math(0.7999), CATALOG).model()).isEqualTo("big");
        assertThat(policy.choose(new DomainPrediction("prose", 0.99, "", "t"), CATALOG).model()).isEqualTo("big");
    }

    @Test
    void thresholdSendsAPromptThatFitsNoDomainWellToTheGenericModelWhateverItsConfidence() {
        DomainPrediction torn = new DomainPrediction("math", 0.9, "code", 0.85, DomainPrediction.EMBEDDING, true, "t",
                java.util.Map.of());
        RouteDecision d = new ThresholdPolicy(0.5).choose(torn, CATALOG);
        assertThat(d.model()).isEqualTo("big");
        assertThat(d.reason()).contains("fits no domain well");
        assertThat(d.prediction()).isEqualTo(torn);
        assertThat(new SpecialistByDomainPolicy().choose(torn, CATALOG).model())
                .as("specialist-by-domain ignores confidence by design").isEqualTo("math-small");
    }

    @Test
    void cascadeStartsWithTheSpecialistAndNamesWhereToEscalate() {
        RouteDecision d = new CascadePolicy(-1.5).choose(math(0.9), CATALOG);
        assertThat(d.model()).isEqualTo("math-small");
        assertThat(d.escalation()).hasValueSatisfying(e -> {
            assertThat(e.model()).isEqualTo("big");
            assertThat(e.minMeanLogprob()).isEqualTo(-1.5);
        });
        assertThat(new CascadePolicy(-1.5).choose(new DomainPrediction("legal", 1, "", "t"), CATALOG).escalation())
                .as("no specialist, nothing to escalate from").isEmpty();
    }

    @Test
    void utilityWeighsQualityAgainstCostAndLatency() {
        LiveStats stats = new LiveStats(Map.of(
                "big", new Prior(Map.of("math", 0.6), 0.20, 0.0010, 10),
                "math-small", new Prior(Map.of("math", 0.5), 0.02, 0.0001, 10)), 100);
        assertThat(new UtilityPolicy(stats, 0, 0).choose(math(1), CATALOG).model())
                .as("quality alone").isEqualTo("big");
        RouteDecision costAware = new UtilityPolicy(stats, 200, 0.5).choose(math(1), CATALOG);
        assertThat(costAware.model()).as("0.6 - 0.2 - 0.1 < 0.5 - 0.02 - 0.01").isEqualTo("math-small");
        assertThat(costAware.estimates()).containsKeys("utility.big", "utility.math-small");
        for (int i = 0; i < 50; i++) {
            stats.recordQuality("math-small", "math", 0.0); // live data overrules the prior
        }
        assertThat(new UtilityPolicy(stats, 200, 0.5).choose(math(1), CATALOG).model()).isEqualTo("big");
    }

    /**
     * A simulated domain: each choice yields a Bernoulli quality observation. The bandit must find the
     * better model within 300 steps, then follow a change within 600 more.
     */
    @Test
    void banditConvergesToTheBetterModelAndFollowsAChange() {
        LiveStats stats = new LiveStats(Map.of(
                "big", new Prior(Map.of("math", 0.5), 0, 0, 2),
                "math-small", new Prior(Map.of("math", 0.5), 0, 0, 2)), 150);
        SplittableRandom world = new SplittableRandom(7);
        BanditPolicy bandit = new BanditPolicy(stats, 0, 0, 0.05, new SplittableRandom(11));
        Map<String, Double> quality = new java.util.HashMap<>(Map.of("big", 0.3, "math-small", 0.8));
        assertThat(shareOfLast(bandit, stats, world, quality, 300, 100, "math-small")).isGreaterThanOrEqualTo(0.85);
        quality.put("big", 0.8);
        quality.put("math-small", 0.2);
        assertThat(shareOfLast(bandit, stats, world, quality, 600, 100, "big")).isGreaterThanOrEqualTo(0.85);
    }

    @Test
    void banditPropensityIsAProbabilityAndRespectsTheFloor() {
        LiveStats stats = new LiveStats(Map.of(
                "big", new Prior(Map.of("math", 0.99), 0, 0, 1000),
                "math-small", new Prior(Map.of("math", 0.01), 0, 0, 1000)), 150);
        BanditPolicy bandit = new BanditPolicy(stats, 0, 0, 0.1, new SplittableRandom(3));
        for (int i = 0; i < 200; i++) {
            RouteDecision d = bandit.choose(math(1), CATALOG);
            assertThat(d.propensity()).isBetween(0.05 - 1e-9, 1.0);
            if (d.model().equals("math-small")) {
                assertThat(d.propensity()).as("only the floor picks the hopeless arm").isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    private static double shareOfLast(BanditPolicy bandit, LiveStats stats, SplittableRandom world,
                                      Map<String, Double> quality, int steps, int last, String model) {
        int hits = 0;
        for (int i = 0; i < steps; i++) {
            String chosen = bandit.choose(math(1), CATALOG).model();
            stats.recordQuality(chosen, "math", world.nextDouble() < quality.get(chosen) ? 1 : 0);
            if (i >= steps - last && chosen.equals(model)) {
                hits++;
            }
        }
        return hits / (double) last;
    }
}
