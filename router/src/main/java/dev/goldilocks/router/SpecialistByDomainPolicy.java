package dev.goldilocks.router;

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
                .map(s -> RouteDecision.of(prediction, s.name(), NAME, "specialist for " + prediction.domain()))
                .orElseGet(() -> RouteDecision.of(prediction, catalog.generic().name(), NAME,
                        "no specialist for " + prediction.domain() + ": generic"));
    }
}
