package dev.goldilocks.router;

/**
 * A policy that picks one model per context (generic-only, specialist-by-domain, threshold, cascade,
 * utility), optionally with an {@link Exploration} floor that sends a small share of requests to the other
 * candidates, so that other policies can be evaluated on its log. Subclasses say only what they pick; the
 * distribution and the draw are here, once.
 */
abstract class DeterministicPolicy implements RoutingPolicy {

    private final Exploration exploration;

    DeterministicPolicy(Exploration exploration) {
        this.exploration = exploration;
    }

    /** The decision this policy makes without exploration (its distribution is replaced by the template). */
    abstract RouteDecision pick(DomainPrediction p, ModelCatalog catalog);

    @Override
    public final ActionDistribution distribution(DomainPrediction p, ModelCatalog catalog) {
        return exploration.around(catalog.candidates(p.domain()), pick(p, catalog).model());
    }

    @Override
    public final RouteDecision choose(DomainPrediction p, ModelCatalog catalog) {
        RouteDecision pick = pick(p, catalog);
        ActionDistribution distribution = exploration.around(catalog.candidates(p.domain()), pick.model());
        return pick.drawn(distribution, exploration.draw(distribution), exploration.floor());
    }
}
