package dev.goldilocks.router;

import java.util.Map;

/** Always the generic model: the "one big model" baseline. */
public final class GenericOnlyPolicy implements RoutingPolicy {

    public static final String NAME = "generic-only";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RouteDecision choose(DomainPrediction prediction, ModelCatalog catalog) {
        return new RouteDecision(prediction.domain(), prediction.confidence(), catalog.generic().name(), NAME, "",
                "generic-only policy", 1.0, Map.of());
    }
}
