package dev.goldilocks.router;

/** The domain's specialist when there is one, else the generic model. */
public final class SpecialistByDomainPolicy extends SpecialistPolicy {

    public static final String NAME = "specialist-by-domain";

    public SpecialistByDomainPolicy() {
        this(Exploration.none());
    }

    public SpecialistByDomainPolicy(Exploration exploration) {
        super(exploration);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    RouteDecision chooseWith(DomainPrediction p, CandidateModel specialist, ModelCatalog catalog) {
        return RouteDecision.of(p, specialist.name(), NAME, "specialist for " + p.domain());
    }
}
