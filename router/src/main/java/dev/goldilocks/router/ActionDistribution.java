package dev.goldilocks.router;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A policy's probability of choosing each candidate model in one context: every candidate is named,
 * those it cannot choose with probability 0. This is what off-policy evaluation needs of both the
 * logging and the target policy, and what {@link RoutingPolicy#choose} draws from, so a logged
 * propensity is the true probability of the logged choice. Immutable; candidates keep their order
 * (the generic model first).
 */
public final class ActionDistribution {

    /** How far the probabilities may sum away from 1 (rounding in a policy's arithmetic). */
    public static final double SUM_TOLERANCE = 1e-9;

    private final Map<String, Double> probabilities;

    private ActionDistribution(Map<String, Double> probabilities) {
        if (probabilities.isEmpty()) {
            throw new IllegalArgumentException("an action distribution needs at least one candidate");
        }
        double sum = 0;
        for (Map.Entry<String, Double> e : probabilities.entrySet()) {
            double p = e.getValue();
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability of " + e.getKey() + " is " + p + ", outside [0, 1]");
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("probabilities sum to " + sum + ", not 1: " + probabilities);
        }
        this.probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
    }

    /** The given probabilities, in the map's iteration order; they must sum to 1. */
    public static ActionDistribution of(Map<String, Double> probabilities) {
        return new ActionDistribution(probabilities);
    }

    /** Probability 1 for {@code model}, and nothing else named. */
    public static ActionDistribution certain(String model) {
        return new ActionDistribution(Map.of(model, 1.0));
    }

    /**
     * {@code pick} with probability 1 - floor, the floor spread evenly over the other candidates. A single
     * candidate gets 1 whatever the floor: there is nothing else to explore.
     */
    public static ActionDistribution withFloor(List<String> candidates, String pick, double floor) {
        requireFloor(floor);
        if (!candidates.contains(pick)) {
            throw new IllegalArgumentException(pick + " is not one of the candidates " + candidates);
        }
        int others = candidates.size() - 1;
        Map<String, Double> p = new LinkedHashMap<>();
        for (String c : candidates) {
            p.put(c, others == 0 ? 1.0 : c.equals(pick) ? 1 - floor : floor / others);
        }
        return new ActionDistribution(p);
    }

    /**
     * floor / k + (1 - floor) x p_j for each of the k candidates: a uniform draw with probability {@code floor},
     * otherwise a draw from {@code p}.
     */
    public static ActionDistribution mixedWithUniform(List<String> candidates, double[] p, double floor) {
        requireFloor(floor);
        if (p.length != candidates.size()) {
            throw new IllegalArgumentException(p.length + " probabilities for " + candidates.size() + " candidates");
        }
        Map<String, Double> mixed = new LinkedHashMap<>();
        for (int j = 0; j < p.length; j++) {
            mixed.put(candidates.get(j), floor / p.length + (1 - floor) * p[j]);
        }
        return new ActionDistribution(mixed);
    }

    /** The probability of choosing {@code model}; 0 for a model that is not a candidate here. */
    public double probability(String model) {
        return probabilities.getOrDefault(model, 0.0);
    }

    /** Every candidate and its probability, in candidate order (unmodifiable). */
    public Map<String, Double> asMap() {
        return probabilities;
    }

    public List<String> candidates() {
        return List.copyOf(probabilities.keySet());
    }

    /** Whether one candidate has probability 1 (nothing for a draw to decide). */
    public boolean isCertain() {
        return probabilities.containsValue(1.0);
    }

    /** A model drawn with these probabilities; consumes no randomness when the outcome is certain. */
    public String draw(RandomGenerator random) {
        return isCertain() ? inverse(0) : inverse(random.nextDouble());
    }

    /**
     * The candidate whose cumulative probability first exceeds {@code u} in [0, 1) (inverse transform
     * sampling); never one with probability 0.
     */
    public String inverse(double u) {
        double cumulative = 0;
        String last = null;
        for (Map.Entry<String, Double> e : probabilities.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            cumulative += e.getValue();
            last = e.getKey();
            if (u < cumulative) {
                return last;
            }
        }
        return last; // u at the very top, past the rounding of the sum
    }

    private static void requireFloor(double floor) {
        if (!(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("exploration floor must be in [0, 1], got " + floor);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActionDistribution other && probabilities.equals(other.probabilities);
    }

    @Override
    public int hashCode() {
        return probabilities.hashCode();
    }

    @Override
    public String toString() {
        return probabilities.toString();
    }
}
