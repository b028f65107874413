package dev.goldilocks.router;

/**
 * Chooses a model for a classified prompt, and says how likely it is to choose each candidate.
 *
 * <p>{@link #choose} draws from exactly {@link #distribution} (the decision carries it), so the propensity a
 * decision log records is the true probability of the logged choice. {@link #distribution} draws nothing and
 * changes nothing, so a policy that never ran can be asked what it would have done in a logged context: that
 * is what off-policy evaluation scores it with. Policies that learn from live statistics answer with the
 * statistics they hold when asked.
 */
public interface RoutingPolicy {

    String name();

    /** The probability of each candidate model (the generic one, and the domain's specialist if any). */
    ActionDistribution distribution(DomainPrediction prediction, ModelCatalog catalog);

    /** A model drawn from {@link #distribution}, with the reason and that distribution. */
    RouteDecision choose(DomainPrediction prediction, ModelCatalog catalog);
}
