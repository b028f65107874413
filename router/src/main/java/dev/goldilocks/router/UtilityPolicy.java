package dev.goldilocks.router;

import dev.goldilocks.router.stats.Estimate;
import dev.goldilocks.router.stats.LiveStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The candidate (generic, and the domain's specialist) with the highest estimated
 * quality - lambda x cost - mu x latency, from live statistics (priors until data arrives).
 */
public final class UtilityPolicy implements RoutingPolicy {

    public static final String NAME = "utility";

    private final LiveStats stats;
    private final double lambda;
    private final double mu;

    /**
     * @param lambda quality given up per US dollar of cost per request
     * @param mu     quality given up per second of latency
     */
    public UtilityPolicy(LiveStats stats, double lambda, double mu) {
        this.stats = stats;
        this.lambda = lambda;
        this.mu = mu;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RouteDecision choose(DomainPrediction p, ModelCatalog catalog) {
        Map<String, Double> estimates = new LinkedHashMap<>();
        String best = null;
        double bestUtility = Double.NEGATIVE_INFINITY;
        for (CandidateModel m : candidates(p.domain(), catalog)) {
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
        return new RouteDecision(p, best, NAME, "",
                String.format("highest estimated utility %.3f", bestUtility), 1.0, estimates, Optional.empty());
    }

    static List<CandidateModel> candidates(String domain, ModelCatalog catalog) {
        return catalog.specialist(domain).map(s -> List.of(catalog.generic(), s)).orElse(List.of(catalog.generic()));
    }
}
