package dev.goldilocks.router;

import java.util.Map;
import java.util.Optional;

/**
 * Specialist first; the gateway escalates to the generic model when the specialist's mean token
 * log-probability is below the bound (the specialist was unsure of its own answer). Both costs count.
 *
 * <p>Its action, and so its action distribution and propensity, is the first model only. Whether it escalates
 * depends on the first answer, so the escalation is part of the cascade's outcome, not of its action: the cost,
 * latency and quality logged for a cascade's request are those of the whole cascade. Off-policy evaluation from
 * a cascade's log therefore scores other policies against "the specialist, escalated where unsure", and
 * evaluating a cascade from another policy's log would need the escalation rule replayed on the logged first
 * answers' log-probabilities, which the log does not hold; that is not offered.
 */
public final class CascadePolicy extends SpecialistPolicy {

    public static final String NAME = "cascade";

    private final double minMeanLogprob;

    public CascadePolicy(double minMeanLogprob) {
        this(minMeanLogprob, Exploration.none());
    }

    public CascadePolicy(double minMeanLogprob, Exploration exploration) {
        super(exploration);
        this.minMeanLogprob = minMeanLogprob;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    RouteDecision chooseWith(DomainPrediction p, CandidateModel specialist, ModelCatalog catalog) {
        return RouteDecision.certain(p, specialist.name(), NAME,
                String.format("specialist first; escalate below mean logprob %.2f", minMeanLogprob), Map.of(),
                Optional.of(new RouteDecision.Escalation(catalog.generic().name(), minMeanLogprob)));
    }
}
