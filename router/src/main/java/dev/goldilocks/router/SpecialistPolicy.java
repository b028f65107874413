package dev.goldilocks.router;

/**
 * A policy that only has a choice to make when the domain has a specialist; without one, the generic
 * model answers, and the route says so.
 */
abstract class SpecialistPolicy extends DeterministicPolicy {

    SpecialistPolicy(Exploration exploration) {
        super(exploration);
    }

    @Override
    final RouteDecision pick(DomainPrediction p, ModelCatalog catalog) {
        return catalog.specialist(p.domain())
                .map(s -> chooseWith(p, s, catalog))
                .orElseGet(() -> RouteDecision.of(p, catalog.generic().name(), name(),
                        "no specialist for " + p.domain() + ": generic"));
    }

    /** The choice when {@code specialist} serves the prompt's domain. */
    abstract RouteDecision chooseWith(DomainPrediction p, CandidateModel specialist, ModelCatalog catalog);
}
