package dev.goldilocks.router;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the classifier thinks a prompt is about.
 *
 * @param domain     the most likely domain, or {@link #UNKNOWN}
 * @param confidence its probability, in [0, 1]
 * @param runnerUp   the second most likely domain (empty when there is none)
 * @param reason     how the domain was decided, for the response's route
 * @param scores     the classifier's probability of every domain, in the classifier's domain order; empty when no
 *                   classifier decided (a hint, or none configured). The decision log keeps it, so a policy that
 *                   never ran can be asked what it would have done with the same prediction.
 */
public record DomainPrediction(String domain, double confidence, String runnerUp, String reason,
                               Map<String, Double> scores) {

    public static final String UNKNOWN = "unknown";

    public DomainPrediction {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** A prediction without per-domain scores (a hint, or no classifier). */
    public DomainPrediction(String domain, double confidence, String runnerUp, String reason) {
        this(domain, confidence, runnerUp, reason, Map.of());
    }
}
