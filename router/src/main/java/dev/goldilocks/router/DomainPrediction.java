package dev.goldilocks.router;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the classifier thinks a prompt is about.
 *
 * @param domain             the most likely domain, or {@link #UNKNOWN}
 * @param confidence         its probability, in [0, 1]
 * @param runnerUp           the second most likely domain (empty when there is none)
 * @param runnerUpConfidence the runner-up's probability (0 when there is none)
 * @param tier               what decided: {@link #LEXICAL}, {@link #EMBEDDING}, {@link #HINT} or {@link #NONE}
 * @param uncertain          the prompt fits no domain well (low top probability, or top two close): policies
 *                           that weigh confidence send it to the generic model
 * @param reason             how the domain was decided, for the response's route
 * @param scores             the classifier's probability of every domain, in the classifier's domain order; empty
 *                           when no classifier decided (a hint, or none configured). The decision log keeps it, so
 *                           a policy that never ran can be asked what it would have done with the same prediction.
 */
public record DomainPrediction(String domain, double confidence, String runnerUp, double runnerUpConfidence,
                               String tier, boolean uncertain, String reason, Map<String, Double> scores) {

    public static final String UNKNOWN = "unknown";
    public static final String LEXICAL = "lexical";
    public static final String EMBEDDING = "embedding";
    public static final String HINT = "hint";
    public static final String NONE = "none";

    public DomainPrediction {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /** A prediction that carries no runner-up probability, tier or scores (tests, callers outside a classifier). */
    public DomainPrediction(String domain, double confidence, String runnerUp, String reason) {
        this(domain, confidence, runnerUp, 0.0, NONE, false, reason, Map.of());
    }
}
