package dev.goldilocks.router;

/** Always the generic model: the "one big model" baseline. */
public final class GenericOnlyPolicy implements RoutingPolicy {

    public static final String NAME = "generic-only";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RouteDecision choose(DomainPrediction prediction, ModelCatalog catalog) {
        return RouteDecision.of(prediction, catalog.generic().name(), NAME, "generic-only policy");
    }
}
