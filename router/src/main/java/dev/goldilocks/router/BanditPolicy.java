package dev.goldilocks.router;

import dev.goldilocks.router.stats.Estimate;
import dev.goldilocks.router.stats.LiveStats;
import dev.goldilocks.router.stats.ThompsonWinProbability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Thompson sampling per domain on the utility: each candidate's quality is drawn from its Beta posterior
 * (live statistics, which decay so the bandit follows change), cost and latency are the live means, and
 * the highest sampled utility wins. With probability {@code floor} a uniformly random candidate is taken
 * instead, so no arm is ever starved.
 *
 * <p>The action distribution is exact: floor / k + (1 - floor) x P(j wins a Thompson draw), with P(j wins)
 * computed by quadrature ({@link ThompsonWinProbability}). The choice is drawn from those probabilities
 * directly (one uniform number: below the floor it picks uniformly, above it inverts the win probabilities)
 * rather than by sampling k Beta variables. Thompson sampling's outcome has exactly the law P(j wins), so both
 * draws are correct; drawing from the computed numbers makes the logged propensity the very probability the
 * choice was made with, to the last digit, and costs one random number instead of k Beta draws.
 */
public final class BanditPolicy implements RoutingPolicy {

    public static final String NAME = "bandit";

    private final LiveStats stats;
    private final double lambda;
    private final double mu;
    private final double floor;
    private final RandomGenerator random;

    /**
     * @param floor  the share of requests sent to a uniformly random candidate, in [0, 1]
     * @param random the source of the draws; it must be safe for the threads that route
     */
    public BanditPolicy(LiveStats stats, double lambda, double mu, double floor, RandomGenerator random) {
        if (!(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("bandit exploration floor must be in [0, 1], got " + floor);
        }
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
    public ActionDistribution distribution(DomainPrediction p, ModelCatalog catalog) {
        return arms(p, catalog).distribution();
    }

    @Override
    public RouteDecision choose(DomainPrediction p, ModelCatalog catalog) {
        Arms arms = arms(p, catalog);
        List<String> names = arms.distribution().candidates();
        int k = names.size();
        if (k == 1) {
            return new RouteDecision(p, names.get(0), NAME, "",
                    "no specialist for " + p.domain() + ": generic", arms.distribution(), names.get(0),
                    arms.estimates(), Optional.empty());
        }
        double u = random.nextDouble();
        String chosen;
        String how;
        if (u < floor) {
            chosen = names.get(Math.min(k - 1, (int) (u / floor * k)));
            how = "exploration draw (floor)";
        } else {
            chosen = ActionDistribution.of(arms.winProbabilities()).inverse((u - floor) / (1 - floor));
            how = "Thompson draw";
        }
        return new RouteDecision(p, chosen, NAME, "",
                String.format("%s (propensity %.3f)", how, arms.distribution().probability(chosen)),
                arms.distribution(), chosen, arms.estimates(), Optional.empty());
    }

    private Arms arms(DomainPrediction p, ModelCatalog catalog) {
        List<String> names = catalog.candidates(p.domain());
        int k = names.size();
        double[] alpha = new double[k];
        double[] beta = new double[k];
        double[] penalty = new double[k];
        Map<String, Double> estimates = new LinkedHashMap<>();
        for (int j = 0; j < k; j++) {
            Estimate e = stats.estimate(names.get(j), p.domain());
            alpha[j] = e.alpha();
            beta[j] = e.beta();
            penalty[j] = lambda * e.costUsd() + mu * e.latencySeconds();
            estimates.put("quality." + names.get(j), e.quality());
            estimates.put("utility." + names.get(j), e.utility(lambda, mu));
        }
        double[] win = ThompsonWinProbability.of(alpha, beta, penalty);
        Map<String, Double> winProbabilities = new LinkedHashMap<>();
        for (int j = 0; j < k; j++) {
            winProbabilities.put(names.get(j), win[j]);
            estimates.put("win_probability." + names.get(j), win[j]);
        }
        return new Arms(winProbabilities, ActionDistribution.mixedWithUniform(names, win, floor), estimates);
    }

    /** What one decision reads of the live statistics, computed once per call. */
    private record Arms(Map<String, Double> winProbabilities, ActionDistribution distribution,
                        Map<String, Double> estimates) {
    }
}
