package dev.goldilocks.router;

import dev.goldilocks.router.stats.LiveStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A routing policy by name and settings: what the gateway builds each of its policies from, and what off-policy
 * evaluation builds a target policy from (the configured settings, some of them overridden), so that a target is
 * exactly the policy the router would run with those settings. The settings are also what the decision log hashes,
 * so the same policy with other settings reads as another policy.
 *
 * @param name     one of {@link RoutingSettings#POLICIES}
 * @param settings every setting the policy has, by its config key, in a fixed order
 */
public record PolicySpec(String name, Map<String, Double> settings) {

    public static final String TAU = "tau";
    public static final String MIN_MEAN_LOGPROB = "min_mean_logprob";
    public static final String LAMBDA = "lambda_per_usd";
    public static final String MU = "mu_per_second";
    public static final String EXPLORATION_FLOOR = "exploration_floor";

    /** A setting's allowed range, as the config reader allows it. */
    private record Range(double min, double max) {
    }

    private static final Map<String, Range> RANGES = Map.of(
            TAU, new Range(0, 1),
            MIN_MEAN_LOGPROB, new Range(-100, 0),
            LAMBDA, new Range(0, 1e9),
            MU, new Range(0, 1e6));
    /** Deterministic policies: a share sent to the other candidates (beyond a half they would prefer another). */
    private static final Range DETERMINISTIC_FLOOR = new Range(0, 0.5);
    private static final Range BANDIT_FLOOR = new Range(0, 1);

    public PolicySpec {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** The policy {@code name} with the settings the gateway is configured with. */
    public static PolicySpec configured(String name, RoutingSettings s) {
        Map<String, Double> settings = new LinkedHashMap<>();
        switch (name) {
            case GenericOnlyPolicy.NAME, SpecialistByDomainPolicy.NAME -> { }
            case ThresholdPolicy.NAME -> settings.put(TAU, s.tau());
            case CascadePolicy.NAME -> settings.put(MIN_MEAN_LOGPROB, s.minMeanLogprob());
            case UtilityPolicy.NAME, BanditPolicy.NAME -> {
                settings.put(LAMBDA, s.lambda());
                settings.put(MU, s.mu());
            }
            default -> throw new IllegalArgumentException("policy: unknown policy '" + name + "'; known: "
                    + RoutingSettings.POLICIES);
        }
        settings.put(EXPLORATION_FLOOR, name.equals(BanditPolicy.NAME) ? s.explorationFloor()
                : s.deterministicExplorationFloor());
        return new PolicySpec(name, settings);
    }

    /**
     * These settings with some replaced; a key the policy does not have, a value that is not a number or one
     * outside the range the config allows is refused with an {@link IllegalArgumentException} that names it.
     */
    public PolicySpec with(Map<String, String> overrides) {
        Map<String, Double> changed = new LinkedHashMap<>(settings);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey();
            if (!settings.containsKey(key)) {
                throw new IllegalArgumentException("settings." + key + ": policy " + name + " has no setting '" + key
                        + "'; its settings are " + List.copyOf(settings.keySet()));
            }
            double value;
            try {
                value = Double.parseDouble(e.getValue().strip());
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("settings." + key + ": not a number: '" + e.getValue() + "'");
            }
            Range range = range(key);
            if (!(value >= range.min() && value <= range.max())) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "settings.%s: must be between %s and %s,"
                        + " got %s", key, range.min(), range.max(), e.getValue()));
            }
            changed.put(key, value);
        }
        return new PolicySpec(name, changed);
    }

    /**
     * The policy itself.
     *
     * @param stats  the live statistics the utility and bandit policies decide on
     * @param random the draws of exploration and of the bandit; safe for the threads that route
     */
    public RoutingPolicy build(LiveStats stats, RandomGenerator random) {
        double floor = settings.get(EXPLORATION_FLOOR);
        return switch (name) {
            case GenericOnlyPolicy.NAME -> new GenericOnlyPolicy(Exploration.floor(floor, random));
            case SpecialistByDomainPolicy.NAME -> new SpecialistByDomainPolicy(Exploration.floor(floor, random));
            case ThresholdPolicy.NAME -> new ThresholdPolicy(settings.get(TAU), Exploration.floor(floor, random));
            case CascadePolicy.NAME -> new CascadePolicy(settings.get(MIN_MEAN_LOGPROB), Exploration.floor(floor, random));
            case UtilityPolicy.NAME -> new UtilityPolicy(stats, settings.get(LAMBDA), settings.get(MU),
                    Exploration.floor(floor, random));
            case BanditPolicy.NAME -> new BanditPolicy(stats, settings.get(LAMBDA), settings.get(MU), floor, random);
            default -> throw new IllegalStateException("unknown policy " + name);
        };
    }

    private Range range(String key) {
        if (key.equals(EXPLORATION_FLOOR)) {
            return name.equals(BanditPolicy.NAME) ? BANDIT_FLOOR : DETERMINISTIC_FLOOR;
        }
        return RANGES.get(key);
    }

    /** {@code name tau=0.9 exploration_floor=0.05}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name);
        settings.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
        return s.toString();
    }
}
