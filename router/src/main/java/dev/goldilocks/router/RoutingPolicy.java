package dev.goldilocks.router;

/** Chooses a model for a classified prompt. */
public interface RoutingPolicy {

    String name();

    RouteDecision choose(DomainPrediction prediction, ModelCatalog catalog);
}
