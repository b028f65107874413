package dev.goldilocks.gateway.dispatch;

import io.github.resilience4j.bulkhead.Bulkhead;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/** The endpoints that serve one model, the model's bulkhead, and the choice of an endpoint for a call. */
final class ModelPool {

    private final String model;
    private final List<String> targets;
    private final Bulkhead bulkhead;
    private volatile List<Endpoint> endpoints = List.of();

    ModelPool(String model, List<String> targets, Bulkhead bulkhead) {
        this.model = model;
        this.targets = List.copyOf(targets);
        this.bulkhead = bulkhead;
    }

    String model() {
        return model;
    }

    List<String> targets() {
        return targets;
    }

    Bulkhead bulkhead() {
        return bulkhead;
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    void endpoints(List<Endpoint> current) {
        endpoints = List.copyOf(current);
    }

    /**
     * Power of two choices: of two random endpoints whose breakers let calls through, the one with fewer
     * outstanding plus reported requests, with its breaker's permission taken. Empty when none can take it.
     */
    Optional<Endpoint> pick(Set<Endpoint> excluded, RandomGenerator random) {
        List<Endpoint> open = endpoints.stream().filter(e -> !excluded.contains(e) && e.accepting()).toList();
        while (!open.isEmpty()) {
            Endpoint a = open.get(random.nextInt(open.size()));
            Endpoint b = open.get(random.nextInt(open.size()));
            Endpoint best = a.load(model) <= b.load(model) ? a : b;
            if (best.breaker().tryAcquirePermission()) {
                return Optional.of(best);
            }
            open = open.stream().filter(e -> e != best).toList(); // half-open with no permits left
        }
        return Optional.empty();
    }
}
