package dev.goldilocks.router;

import dev.goldilocks.router.stats.Estimate;
import dev.goldilocks.router.stats.LiveStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The candidate (generic, and the domain's specialist) with the highest estimated
 * quality - lambda x cost - mu x latency, from live statistics (priors until data arrives).
 */
public final class UtilityPolicy extends DeterministicPolicy {

    public static final String NAME = "utility";

    private final LiveStats stats;
    private final double lambda;
    private final double mu;

    /**
     * @param lambda quality given up per US dollar of cost per request
     * @param mu     quality given up per second of latency
     */
    public UtilityPolicy(LiveStats stats, double lambda, double mu) {
        this(stats, lambda, mu, Exploration.none());
    }

    public UtilityPolicy(LiveStats stats, double lambda, double mu, Exploration exploration) {
        super(exploration);
        this.stats = stats;
        this.lambda = lambda;
        this.mu = mu;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    RouteDecision pick(DomainPrediction p, ModelCatalog catalog) {
        Map<String, Double> estimates = new LinkedHashMap<>();
        String best = null;
        double bestUtility = Double.NEGATIVE_INFINITY;
        for (CandidateModel m : catalog.candidateModels(p.domain())) {
            Estimate e = stats.estimate(m.name(), p.domain());
            double u = e.utility(lambda, mu);
            estimates.put("quality." + m.name(), e.quality());
            estimates.put("cost_usd." + m.name(), e.costUsd());
            estimates.put("latency_seconds." + m.name(), e.latencySeconds());
            estimates.put("utility." + m.name(), u);
            if (u > bestUtility) {
                bestUtility = u;
                best = m.name();
            }
        }
        return RouteDecision.certain(p, best, NAME, String.format("highest estimated utility %.3f", bestUtility),
                estimates, Optional.empty());
    }
}
