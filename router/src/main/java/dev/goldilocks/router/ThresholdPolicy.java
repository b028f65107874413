package dev.goldilocks.router;

/**
 * The specialist only when the classifier is confident enough (confidence >= tau) and the prompt fits its
 * domain well (not flagged uncertain); otherwise the generic model.
 */
public final class ThresholdPolicy extends SpecialistPolicy {

    public static final String NAME = "threshold";

    private final double tau;

    public ThresholdPolicy(double tau) {
        this(tau, Exploration.none());
    }

    public ThresholdPolicy(double tau, Exploration exploration) {
        super(exploration);
        this.tau = tau;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    RouteDecision chooseWith(DomainPrediction p, CandidateModel specialist, ModelCatalog catalog) {
        if (p.uncertain()) {
            return RouteDecision.of(p, catalog.generic().name(), NAME, String.format(
                    "fits no domain well (%s %.2f, %s %.2f): generic", p.domain(), p.confidence(), p.runnerUp(),
                    p.runnerUpConfidence()));
        }
        return p.confidence() >= tau
                ? RouteDecision.of(p, specialist.name(), NAME, String.format("confidence %.2f >= %.2f: specialist",
                        p.confidence(), tau))
                : RouteDecision.of(p, catalog.generic().name(), NAME, String.format("confidence %.2f < %.2f: generic",
                        p.confidence(), tau));
    }
}
