package dev.goldilocks.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Decisions for tests, every field set, varied by a number. */
final class Decisions {

    static final UnitHasher UNITS = new UnitHasher("a key of at least sixteen bytes".getBytes());

    private Decisions() {
    }

    /** A client decision in the math domain, bandit-style, with every optional field present. */
    static Decision full(String requestId, Instant time) {
        return new Decision(requestId, time, TrafficClass.CLIENT, UNITS.hash("user-" + requestId),
                new Decision.Assignment("exp-1", "treatment", "bandit", SettingsHash.of(Map.of("epsilon", 0.1))),
                new Decision.Classification("math", 0.8125, Map.of("math", 0.8125, "code", 0.125, "legal", 0.0625)),
                new Decision.Action(Map.of("generic", 0.3, "math-specialist", 0.7), "math-specialist"),
                new Decision.Serving("generic", true, "math-specialist unavailable", false, "", "OK"),
                new Decision.Timing(0.25, OptionalDouble.of(0.0625), OptionalDouble.of(0.001), OptionalDouble.of(0.2)),
                new Decision.Usage(12, 30, 0.000123),
                Optional.of(new Decision.Text("What is 2 + 2?", "4")));
    }

    /** A plain decision: deterministic policy, no experiment, no unit, failed before any model answered. */
    static Decision minimal(String requestId, Instant time) {
        return new Decision(requestId, time, TrafficClass.PROBE, "",
                new Decision.Assignment("", "", "specialist-by-domain", SettingsHash.of(Map.of())),
                new Decision.Classification("code", 1.0, Map.of()),
                Decision.Action.deterministic("code-specialist"),
                new Decision.Serving("", false, "", false, "", "UNAVAILABLE"),
                new Decision.Timing(0.5, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty()),
                new Decision.Usage(0, 0, 0), Optional.empty());
    }

    /** A served client decision of {@code domain} answered by {@code model} in {@code seconds}. */
    static Decision served(String requestId, Instant time, TrafficClass traffic, String domain, String model,
                           double seconds, double cost) {
        return new Decision(requestId, time, traffic, "",
                new Decision.Assignment("", "", "threshold", SettingsHash.of(Map.of("tau", 0.9))),
                new Decision.Classification(domain, 0.9, Map.of(domain, 0.9, "prose", 0.1)),
                new Decision.Action(Map.of(model, 0.95, "generic".equals(model) ? "other" : "generic", 0.05), model),
                new Decision.Serving(model, false, "", false, "", "OK"),
                new Decision.Timing(seconds, OptionalDouble.of(seconds / 2), OptionalDouble.of(0.0), OptionalDouble.of(seconds / 2)),
                new Decision.Usage(10, 20, cost), Optional.empty());
    }

    /**
     * A client request exposed to {@code arm} of experiment "exp" in {@code domain}, answered by {@code model} (or
     * failed when {@code status} is not OK); {@code unit} "" when it was randomised by itself.
     */
    static Decision exposed(String requestId, Instant time, String unit, String arm, String domain, String model,
                            String status, double seconds, double cost) {
        boolean ok = status.equals("OK");
        return new Decision(requestId, time, TrafficClass.CLIENT, unit.isEmpty() ? "" : UNITS.hash(unit),
                new Decision.Assignment("exp", arm, "generic-only", SettingsHash.of(Map.of())),
                new Decision.Classification(domain, 1.0, Map.of()),
                Decision.Action.deterministic(model),
                new Decision.Serving(ok ? model : "", false, "", false, "", status),
                new Decision.Timing(seconds, ok ? OptionalDouble.of(seconds / 4) : OptionalDouble.empty(),
                        OptionalDouble.empty(), OptionalDouble.empty()),
                new Decision.Usage(10, 20, cost), Optional.empty());
    }
}
