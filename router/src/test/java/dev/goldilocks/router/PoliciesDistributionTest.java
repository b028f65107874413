package dev.goldilocks.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.goldilocks.router.stats.LiveStats;
import dev.goldilocks.router.stats.Prior;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * Every policy's action distribution: where the exploration floor goes, that choose() draws from exactly it,
 * and that a policy asked about a logged context answers what it would have used had it run.
 */
class PoliciesDistributionTest {

    private static final ModelCatalog CATALOG = new ModelCatalog(List.of(
            new CandidateModel("big", CandidateModel.GENERIC, ""),
            new CandidateModel("math-small", CandidateModel.SPECIALIST, "math"),
            new CandidateModel("code-small", CandidateModel.SPECIALIST, "code")), List.of("code", "legal", "prose", "math"));
    private static final DomainPrediction MATH = new DomainPrediction("math", 0.95, "code", "test");
    private static final DomainPrediction UNSURE_MATH = new DomainPrediction("math", 0.6, "code", "test");
    private static final DomainPrediction PROSE = new DomainPrediction("prose", 0.99, "legal", "test");

    private static LiveStats stats() {
        return new LiveStats(Map.of(
                "big", new Prior(Map.of("math", 0.6, "code", 0.7), 0.20, 0.0010, 12),
                "math-small", new Prior(Map.of("math", 0.55), 0.02, 0.0001, 6),
                "code-small", new Prior(Map.of("code", 0.5), 0.02, 0.0001, 6)), 100);
    }

    /** Every policy, deterministic ones with the given floor, each with its own seeded random source. */
    private static List<RoutingPolicy> policies(double floor, long seed) {
        LiveStats stats = stats();
        return List.of(
                new GenericOnlyPolicy(Exploration.floor(floor, new SplittableRandom(seed))),
                new SpecialistByDomainPolicy(Exploration.floor(floor, new SplittableRandom(seed + 1))),
                new ThresholdPolicy(0.8, Exploration.floor(floor, new SplittableRandom(seed + 2))),
                new CascadePolicy(-1.5, Exploration.floor(floor, new SplittableRandom(seed + 3))),
                new UtilityPolicy(stats, 100, 0.1, Exploration.floor(floor, new SplittableRandom(seed + 4))),
                new BanditPolicy(stats, 100, 0.1, floor, new SplittableRandom(seed + 5)));
    }

    @Test
    void theFloorGoesToTheOtherCandidateAndASingleCandidateIsCertain() {
        assertThat(new GenericOnlyPolicy(Exploration.floor(0.1, new SplittableRandom(1))).distribution(MATH, CATALOG)
                .asMap()).containsExactly(Map.entry("big", 0.9), Map.entry("math-small", 0.1));
        assertThat(new SpecialistByDomainPolicy(Exploration.floor(0.1, new SplittableRandom(1)))
                .distribution(MATH, CATALOG).asMap()).containsExactly(Map.entry("big", 0.1), Map.entry("math-small", 0.9));
        ThresholdPolicy threshold = new ThresholdPolicy(0.8, Exploration.floor(0.1, new SplittableRandom(1)));
        assertThat(threshold.distribution(MATH, CATALOG).probability("math-small")).isEqualTo(0.9);
        assertThat(threshold.distribution(UNSURE_MATH, CATALOG).probability("big")).as("below tau").isEqualTo(0.9);
        assertThat(new CascadePolicy(-1.5, Exploration.floor(0.1, new SplittableRandom(1))).distribution(MATH, CATALOG)
                .probability("math-small")).as("the cascade's action is its first model").isEqualTo(0.9);
        for (RoutingPolicy policy : policies(0.1, 1)) {
            assertThat(policy.distribution(PROSE, CATALOG).asMap()).as(policy.name() + ": prose has no specialist")
                    .containsExactly(Map.entry("big", 1.0));
            ActionDistribution math = policy.distribution(MATH, CATALOG);
            assertThat(math.candidates()).as(policy.name()).containsExactly("big", "math-small");
            assertThat(math.asMap().values().stream().mapToDouble(Double::doubleValue).sum()).as(policy.name())
                    .isCloseTo(1, offset(1e-12));
            assertThat(math.asMap().values()).as(policy.name() + ": no candidate below the floor's share")
                    .allSatisfy(p -> assertThat(p).isGreaterThanOrEqualTo(0.05 - 1e-12));
        }
    }

    @Test
    void withoutAFloorDeterministicPoliciesChooseWithProbabilityOne() {
        for (RoutingPolicy policy : policies(0, 1).subList(0, 5)) {
            ActionDistribution d = policy.distribution(MATH, CATALOG);
            assertThat(d.asMap().values()).as(policy.name()).containsExactlyInAnyOrder(1.0, 0.0);
            RouteDecision decision = policy.choose(MATH, CATALOG);
            assertThat(decision.propensity()).isEqualTo(1.0);
            assertThat(decision.distribution()).isEqualTo(d);
        }
        assertThat(new SpecialistByDomainPolicy().choose(MATH, CATALOG).model()).isEqualTo("math-small");
    }

    @Test
    void aBanditFloorIsSpreadOverEveryCandidate() {
        LiveStats hopeless = new LiveStats(Map.of(
                "big", new Prior(Map.of("math", 0.99), 0, 0, 1000),
                "math-small", new Prior(Map.of("math", 0.01), 0, 0, 1000)), 150);
        ActionDistribution d = new BanditPolicy(hopeless, 0, 0, 0.1, new SplittableRandom(1)).distribution(MATH, CATALOG);
        assertThat(d.probability("math-small")).as("floor / k: Thompson sampling never picks it")
                .isCloseTo(0.05, offset(1e-12));
        assertThat(d.probability("big")).isCloseTo(0.95, offset(1e-12));
    }

    /**
     * 10,000 draws of each policy: the chosen models' counts fit the distribution (chi-squared, p > 0.001), and
     * every decision carries that distribution and its chosen model's probability in it.
     */
    @Test
    void chooseDrawsFromExactlyItsDistribution() {
        int draws = 10_000;
        for (RoutingPolicy policy : policies(0.2, 7)) {
            // the bandit does not read the confidence; the threshold policy turns on it
            for (DomainPrediction prediction : policy instanceof BanditPolicy ? List.of(MATH) : List.of(MATH, UNSURE_MATH)) {
                ActionDistribution d = policy.distribution(prediction, CATALOG);
                Map<String, Long> counts = new LinkedHashMap<>();
                d.candidates().forEach(c -> counts.put(c, 0L));
                int inconsistent = 0;
                for (int i = 0; i < draws; i++) {
                    RouteDecision decision = policy.choose(prediction, CATALOG);
                    boolean consistent = decision.distribution().equals(d)
                            && decision.propensity() == d.probability(decision.chosenModel());
                    inconsistent += consistent ? 0 : 1;
                    counts.merge(decision.chosenModel(), 1L, Long::sum);
                }
                assertThat(inconsistent).as(policy.name()).isZero();
                double[] expected = d.asMap().values().stream().mapToDouble(p -> p * draws).toArray();
                long[] observed = counts.values().stream().mapToLong(Long::longValue).toArray();
                assertThat(new ChiSquareTest().chiSquareTest(expected, observed))
                        .as("%s at confidence %.2f: %s drawn from %s", policy.name(), prediction.confidence(), counts, d)
                        .isGreaterThan(0.001);
            }
        }
    }

    @Test
    void theReasonSaysWhenAnExplorationDrawChose() {
        CascadePolicy cascade = new CascadePolicy(-1.5, Exploration.floor(0.3, new SplittableRandom(3)));
        int explored = 0;
        for (int i = 0; i < 200; i++) {
            RouteDecision d = cascade.choose(MATH, CATALOG);
            if (d.model().equals("big")) {
                explored++;
                assertThat(d.reason()).startsWith("exploration draw (floor 0.300): big instead of math-small");
                assertThat(d.escalation()).as("nothing to escalate to from the generic model").isEmpty();
                assertThat(d.propensity()).isEqualTo(0.3);
            } else {
                assertThat(d.reason()).doesNotContain("exploration");
                assertThat(d.escalation()).isPresent();
                assertThat(d.propensity()).isEqualTo(0.7);
            }
        }
        assertThat(explored).isBetween(40, 80);
        BanditPolicy bandit = new BanditPolicy(stats(), 100, 0.1, 0.5, new SplittableRandom(4));
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            reasons.add(bandit.choose(MATH, CATALOG).reason());
        }
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("exploration draw (floor)"))
                .anySatisfy(r -> assertThat(r).startsWith("Thompson draw"));
    }

    /**
     * Off-policy evaluation asks a policy that never ran what it would have done in each logged context; the
     * answer must be the distribution it draws from when it does run.
     */
    @Test
    void aTargetPolicyAnswersForALoggedContextWhatItWouldUseIfItRan() {
        SpecialistByDomainPolicy logging = new SpecialistByDomainPolicy(Exploration.floor(0.05, new SplittableRandom(9)));
        SplittableRandom traffic = new SplittableRandom(10);
        List<RouteDecision> log = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String domain = CATALOG.domains().get(traffic.nextInt(4));
            log.add(logging.choose(new DomainPrediction(domain, traffic.nextDouble(0.4, 1), "", "t"), CATALOG));
        }
        Router router = new Router(CATALOG, prompt -> MATH, Map.of(ThresholdPolicy.NAME,
                new ThresholdPolicy(0.8, Exploration.floor(0.05, new SplittableRandom(11)))), ThresholdPolicy.NAME);
        for (RoutingPolicy target : policies(0.05, 12)) {
            for (RouteDecision logged : log) {
                DomainPrediction context = new DomainPrediction(logged.domain(), logged.confidence(), "", "from the log");
                assertThat(target.distribution(context, CATALOG)).as(target.name())
                        .isEqualTo(target.choose(context, CATALOG).distribution());
            }
        }
        DomainPrediction unsure = new DomainPrediction("math", 0.5, "", "from the log");
        assertThat(router.distribution(ThresholdPolicy.NAME, unsure).asMap())
                .containsExactly(Map.entry("big", 0.95), Map.entry("math-small", 0.05));
        assertThatThrownBy(() -> router.distribution("coin-flip", unsure)).hasMessageContaining("unknown policy coin-flip");
    }

    @Test
    void distributionsAreValidatedAndDrawnByInverseTransform() {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        probabilities.put("a", 0.25);
        probabilities.put("b", 0.0);
        probabilities.put("c", 0.75);
        ActionDistribution d = ActionDistribution.of(probabilities);
        assertThat(d.inverse(0)).isEqualTo("a");
        assertThat(d.inverse(0.2499)).isEqualTo("a");
        assertThat(d.inverse(0.25)).as("never a model with probability 0").isEqualTo("c");
        assertThat(d.inverse(0.9999999)).isEqualTo("c");
        assertThat(d.probability("z")).isZero();
        assertThatThrownBy(() -> ActionDistribution.of(Map.of("a", 0.5, "b", 0.4))).hasMessageContaining("sum to 0.9");
        assertThatThrownBy(() -> ActionDistribution.of(Map.of("a", 1.5, "b", -0.5))).hasMessageContaining("outside [0, 1]");
        assertThatThrownBy(() -> Exploration.floor(0.6, new SplittableRandom(1))).hasMessageContaining("[0, 0.5]");
        ActionDistribution mixed = ActionDistribution.mixedWithUniform(List.of("a", "b"), new double[] {1, 0}, 0.1);
        assertThat(mixed.probability("a")).isCloseTo(0.95, offset(1e-15));
        assertThat(mixed.probability("b")).isCloseTo(0.05, offset(1e-15));
    }
}
