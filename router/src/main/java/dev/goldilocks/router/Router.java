package dev.goldilocks.router;

import java.util.Map;

/**
 * The routing decision in one call: the caller's hint or the classifier names the domain, then the
 * policy (the configured default, or one the caller asked for) picks the model. No network, no models.
 */
public final class Router {

    public static final String PINNED = "pinned";

    private final ModelCatalog catalog;
    private final HintClassifier hints;
    private final DomainClassifier classifier;
    private final Map<String, RoutingPolicy> policies;
    private final String defaultPolicy;

    public Router(ModelCatalog catalog, DomainClassifier classifier, Map<String, RoutingPolicy> policies,
                  String defaultPolicy) {
        if (!policies.containsKey(defaultPolicy)) {
            throw new IllegalArgumentException("unknown default policy " + defaultPolicy + "; known: " + policies.keySet());
        }
        this.catalog = catalog;
        this.hints = new HintClassifier(catalog.domains());
        this.classifier = classifier;
        this.policies = Map.copyOf(policies);
        this.defaultPolicy = defaultPolicy;
    }

    /** The caller named the model: no policy runs, but the domain is still recorded for attribution. */
    public RouteDecision pinned(String prompt, String domainHint, String model) {
        return pinned(predict(prompt, domainHint), model);
    }

    /** As {@link #pinned(String, String, String)}, for a prompt already classified. */
    public RouteDecision pinned(DomainPrediction prediction, String model) {
        return RouteDecision.of(prediction, model, PINNED, prediction.reason() + "; model pinned by the caller");
    }

    /** A router with the same catalog and classifier that knows only {@code policy} (to ask it about logged contexts). */
    public Router withOnly(RoutingPolicy policy) {
        return new Router(catalog, classifier, Map.of(policy.name(), policy), policy.name());
    }

    /** A logged prediction rebuilt from its domain, confidence and every domain's score (see the decision log). */
    public DomainPrediction logged(String domain, double confidence, Map<String, Double> scores) {
        return classifier.fromScores(domain, confidence, scores);
    }

    /** Whether routing a prompt with this hint runs the classifier (the hint names no known domain). */
    public boolean classifies(String domainHint) {
        return hints.fromHint(domainHint) == null;
    }

    /** The caller's hint when it names a known domain, otherwise the classifier's prediction. */
    public DomainPrediction predict(String prompt, String domainHint) {
        DomainPrediction prediction = hints.fromHint(domainHint);
        return prediction != null ? prediction : classifier.classify(prompt);
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public boolean knowsPolicy(String name) {
        return policies.containsKey(name);
    }

    public java.util.Set<String> policyNames() {
        return policies.keySet();
    }

    /**
     * How likely {@code policy} is to choose each candidate model for a prediction, without drawing: what a
     * policy that never ran would have done in a logged context.
     */
    public ActionDistribution distribution(String policy, DomainPrediction prediction) {
        RoutingPolicy p = policies.get(policy);
        if (p == null) {
            throw new IllegalArgumentException("unknown policy " + policy + "; known: " + policies.keySet());
        }
        return p.distribution(prediction, catalog);
    }

    /**
     * @param requestedPolicy a policy the caller asked for, or empty for the default; must be known
     */
    public RouteDecision route(String prompt, String domainHint, String requestedPolicy) {
        return route(predict(prompt, domainHint), requestedPolicy);
    }

    /** The classifier's prediction for a prompt without a hint (for replaying policies on a classified prompt). */
    public DomainPrediction classify(String prompt) {
        return predict(prompt, "");
    }

    /** The decision for a prompt already classified; {@code requestedPolicy} as in {@link #route(String, String, String)}. */
    public RouteDecision route(DomainPrediction prediction, String requestedPolicy) {
        String policy = requestedPolicy == null || requestedPolicy.isEmpty() ? defaultPolicy : requestedPolicy;
        RouteDecision decision = policies.get(policy).choose(prediction, catalog);
        return decision.withReason(prediction.reason() + "; " + decision.reason());
    }
}
