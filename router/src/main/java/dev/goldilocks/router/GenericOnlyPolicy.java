package dev.goldilocks.router;

/** Always the generic model: the "one big model" baseline. */
public final class GenericOnlyPolicy extends DeterministicPolicy {

    public static final String NAME = "generic-only";

    public GenericOnlyPolicy() {
        this(Exploration.none());
    }

    public GenericOnlyPolicy(Exploration exploration) {
        super(exploration);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    RouteDecision pick(DomainPrediction prediction, ModelCatalog catalog) {
        return RouteDecision.of(prediction, catalog.generic().name(), NAME, "generic-only policy");
    }
}
