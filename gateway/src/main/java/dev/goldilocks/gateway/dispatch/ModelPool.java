package dev.goldilocks.gateway.dispatch;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The endpoints that serve one model, the model's concurrency limit, and the choice of an endpoint for a call.
 * A worker model's endpoints are what its targets (host:port) resolve to; an HTTP-served model has one.
 */
final class ModelPool {

    /** An endpoint with its breaker's permission taken, or, without one, what stood in the way. */
    record Choice(Optional<Endpoint> endpoint, String refusal, boolean trial) {
    }

    private final String model;
    private final List<String> targets;
    private final ModelLimiter limiter;
    private volatile List<Endpoint> endpoints = List.of();

    ModelPool(String model, List<String> targets, ModelLimiter limiter) {
        this.model = model;
        this.targets = List.copyOf(targets);
        this.limiter = limiter;
    }

    String model() {
        return model;
    }

    List<String> targets() {
        return targets;
    }

    ModelLimiter limiter() {
        return limiter;
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    void endpoints(List<Endpoint> current) {
        endpoints = List.copyOf(current);
    }

    /**
     * Power of two choices: of two distinct random endpoints that accept calls and that this call has not
     * tried, the one with the lower load, with its breaker's permission taken. When no endpoint accepts
     * calls and some have an open breaker (the others unreachable), a first attempt is let through to one of
     * those as a trial (its breaker goes half-open) rather than refusing every call until the wait is over.
     */
    Choice choose(Set<Endpoint> tried, RandomGenerator random) {
        Map<Endpoint, Endpoint.Health> health = new LinkedHashMap<>();
        endpoints.forEach(e -> health.put(e, e.health())); // one reading, for the choice and its message
        List<Endpoint> candidates = new ArrayList<>();
        health.forEach((e, h) -> {
            if (h == Endpoint.Health.ACCEPTING && !tried.contains(e)) {
                candidates.add(e);
            }
        });
        int busyHalfOpen = 0;
        while (!candidates.isEmpty()) {
            Endpoint best = twoChoices(candidates, random);
            if (best.breaker().tryAcquirePermission()) {
                return new Choice(Optional.of(best), "", false);
            }
            candidates.remove(best); // half-open, its trial calls all taken
            busyHalfOpen++;
        }
        if (tried.isEmpty() && busyHalfOpen == 0) {
            List<Endpoint> open = health.entrySet().stream().filter(e -> e.getValue() == Endpoint.Health.OPEN)
                    .map(Map.Entry::getKey).toList();
            if (!open.isEmpty()) { // none accepts calls: the rest are unreachable
                Endpoint trial = open.get(random.nextInt(open.size()));
                if (halfOpen(trial.breaker()) && trial.breaker().tryAcquirePermission()) {
                    return new Choice(Optional.of(trial), "", true);
                }
            }
        }
        return new Choice(Optional.empty(), refusal(health, tried, busyHalfOpen), false);
    }

    private Endpoint twoChoices(List<Endpoint> candidates, RandomGenerator random) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        int i = random.nextInt(candidates.size());
        int j = random.nextInt(candidates.size() - 1);
        Endpoint a = candidates.get(i);
        Endpoint b = candidates.get(j >= i ? j + 1 : j); // two different endpoints, or half the picks are blind
        int loadA = a.load(model);
        int loadB = b.load(model);
        return loadA < loadB || loadA == loadB && random.nextBoolean() ? a : b;
    }

    /** Moves an open breaker to half-open unless another call just did, or it closed meanwhile. */
    private static boolean halfOpen(CircuitBreaker breaker) {
        try {
            breaker.transitionToHalfOpenState();
            return true;
        } catch (RuntimeException e) {
            CircuitBreaker.State now = breaker.getState();
            return now == CircuitBreaker.State.HALF_OPEN || now == CircuitBreaker.State.CLOSED;
        }
    }

    /** Why no endpoint can take the call, counted from the same reading of every endpoint. */
    private String refusal(Map<Endpoint, Endpoint.Health> health, Set<Endpoint> tried, int busyHalfOpen) {
        if (health.isEmpty()) {
            return "model " + model + ": no worker endpoint known (" + String.join(", ", targets)
                    + " resolved to no address)";
        }
        long open = health.values().stream().filter(h -> h == Endpoint.Health.OPEN).count();
        long unreachable = health.values().stream().filter(h -> h == Endpoint.Health.UNREACHABLE).count();
        List<String> parts = new ArrayList<>();
        parts.add(health.size() + " known");
        if (open > 0) {
            parts.add(open + " with an open breaker");
        }
        if (unreachable > 0) {
            parts.add(unreachable + " unreachable");
        }
        if (busyHalfOpen > 0) {
            parts.add(busyHalfOpen + " half-open with all trial calls taken");
        }
        if (!tried.isEmpty()) {
            parts.add(tried.size() + " already tried by this call");
        }
        String what = targets.isEmpty() ? "endpoint" : "worker endpoint"; // an HTTP-served model has no targets
        return "model " + model + ": no " + what + " can take the call (" + String.join(", ", parts) + ")";
    }
}
