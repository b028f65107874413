package dev.goldilocks.router;

import java.util.Map;

/** The domain's specialist when there is one, else the generic model. */
public final class SpecialistByDomainPolicy implements RoutingPolicy {

    public static final String NAME = "specialist-by-domain";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RouteDecision choose(DomainPrediction prediction, ModelCatalog catalog) {
        return catalog.specialist(prediction.domain())
                .map(s -> new RouteDecision(prediction.domain(), prediction.confidence(), s.name(), NAME, "",
                        "specialist for " + prediction.domain(), 1.0, Map.<String, Double>of()))
                .orElseGet(() -> new RouteDecision(prediction.domain(), prediction.confidence(),
                        catalog.generic().name(), NAME, "", "no specialist for " + prediction.domain()
                        + ": generic", 1.0, Map.of()));
    }
}
