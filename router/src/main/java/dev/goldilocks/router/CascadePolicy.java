package dev.goldilocks.router;

import java.util.Map;
import java.util.Optional;

/**
 * Specialist first; the gateway escalates to the generic model when the specialist's mean token
 * log-probability is below the bound (the specialist was unsure of its own answer). Both costs count.
 */
public final class CascadePolicy implements RoutingPolicy {

    public static final String NAME = "cascade";

    private final double minMeanLogprob;

    public CascadePolicy(double minMeanLogprob) {
        this.minMeanLogprob = minMeanLogprob;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RouteDecision choose(DomainPrediction p, ModelCatalog catalog) {
        String generic = catalog.generic().name();
        return catalog.specialist(p.domain())
                .map(s -> new RouteDecision(p.domain(), p.confidence(), s.name(), NAME, "",
                        String.format("specialist first; escalate below mean logprob %.2f", minMeanLogprob), 1.0,
                        Map.<String, Double>of(), Optional.of(new RouteDecision.Escalation(generic, minMeanLogprob))))
                .orElseGet(() -> RouteDecision.of(p, generic, NAME, "no specialist for " + p.domain() + ": generic"));
    }
}
