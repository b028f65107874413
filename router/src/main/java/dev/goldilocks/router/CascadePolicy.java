package dev.goldilocks.router;

import java.util.Map;
import java.util.Optional;

/**
 * Specialist first; the gateway escalates to the generic model when the specialist's mean token
 * log-probability is below the bound (the specialist was unsure of its own answer). Both costs count.
 */
public final class CascadePolicy extends SpecialistPolicy {

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
    RouteDecision chooseWith(DomainPrediction p, CandidateModel specialist, ModelCatalog catalog) {
        return new RouteDecision(p, specialist.name(), NAME, "",
                String.format("specialist first; escalate below mean logprob %.2f", minMeanLogprob), 1.0, Map.of(),
                Optional.of(new RouteDecision.Escalation(catalog.generic().name(), minMeanLogprob)));
    }
}
