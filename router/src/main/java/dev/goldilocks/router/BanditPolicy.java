package dev.goldilocks.router;

import dev.goldilocks.router.stats.Estimate;
import dev.goldilocks.router.stats.LiveStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Thompson sampling per domain on the utility: each candidate's quality is drawn from its Beta posterior
 * (live statistics, which decay so the bandit follows change), cost and latency are the live means, and
 * the highest sampled utility wins. With probability {@code floor} a uniformly random candidate is taken
 * instead, so no arm is ever starved. The decision carries the propensity of the chosen model (the
 * probability this policy had of choosing it) for off-policy evaluation.
 */
public final class BanditPolicy implements RoutingPolicy {

    public static final String NAME = "bandit";
    private static final int PROPENSITY_DRAWS = 256;

    private final LiveStats stats;
    private final double lambda;
    private final double mu;
    private final double floor;
    private final RandomGenerator random;

    public BanditPolicy(LiveStats stats, double lambda, double mu, double floor, RandomGenerator random) {
        this.stats = stats;
        this.lambda = lambda;
        this.mu = mu;
        this.floor = floor;
        this.random = random;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RouteDecision choose(DomainPrediction p, ModelCatalog catalog) {
        List<CandidateModel> candidates = UtilityPolicy.candidates(p.domain(), catalog);
        List<Estimate> estimates = candidates.stream().map(m -> stats.estimate(m.name(), p.domain())).toList();
        int k = candidates.size();
        int chosen;
        String how;
        if (random.nextDouble() < floor) {
            chosen = random.nextInt(k);
            how = "exploration floor";
        } else {
            chosen = thompsonDraw(estimates);
            how = "Thompson sample";
        }
        int[] wins = new int[k];
        for (int i = 0; i < PROPENSITY_DRAWS; i++) {
            wins[thompsonDraw(estimates)]++;
        }
        double propensity = floor / k + (1 - floor) * wins[chosen] / (double) PROPENSITY_DRAWS;
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            numbers.put("quality." + candidates.get(i).name(), estimates.get(i).quality());
            numbers.put("utility." + candidates.get(i).name(), estimates.get(i).utility(lambda, mu));
        }
        return new RouteDecision(p, candidates.get(chosen).name(), NAME, "",
                String.format("%s (propensity %.2f)", how, propensity), propensity, numbers, Optional.empty());
    }

    private int thompsonDraw(List<Estimate> estimates) {
        int best = 0;
        double bestUtility = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < estimates.size(); i++) {
            Estimate e = estimates.get(i);
            double quality = beta(e.alpha(), e.beta());
            double u = quality - lambda * e.costUsd() - mu * e.latencySeconds();
            if (u > bestUtility) {
                bestUtility = u;
                best = i;
            }
        }
        return best;
    }

    private double beta(double a, double b) {
        double x = gamma(a);
        double y = gamma(b);
        return x / (x + y);
    }

    /** Marsaglia and Tsang's method; shape below 1 by the boost U^(1/a). */
    private double gamma(double shape) {
        if (shape < 1) {
            return gamma(shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
