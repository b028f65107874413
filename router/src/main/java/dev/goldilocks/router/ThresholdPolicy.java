package dev.goldilocks.router;

/** The specialist only when the classifier is confident enough (confidence >= tau); otherwise the generic model. */
public final class ThresholdPolicy implements RoutingPolicy {

    public static final String NAME = "threshold";

    private final double tau;

    public ThresholdPolicy(double tau) {
        this.tau = tau;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RouteDecision choose(DomainPrediction p, ModelCatalog catalog) {
        String generic = catalog.generic().name();
        return catalog.specialist(p.domain())
                .map(s -> p.confidence() >= tau
                        ? RouteDecision.of(p, s.name(), NAME, String.format("confidence %.2f >= %.2f: specialist",
                                p.confidence(), tau))
                        : RouteDecision.of(p, generic, NAME, String.format("confidence %.2f < %.2f: generic",
                                p.confidence(), tau)))
                .orElseGet(() -> RouteDecision.of(p, generic, NAME, "no specialist for " + p.domain() + ": generic"));
    }
}
