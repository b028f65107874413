package dev.goldilocks.router;

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
 */
public record DomainPrediction(String domain, double confidence, String runnerUp, double runnerUpConfidence,
                               String tier, boolean uncertain, String reason) {

    public static final String UNKNOWN = "unknown";
    public static final String LEXICAL = "lexical";
    public static final String EMBEDDING = "embedding";
    public static final String HINT = "hint";
    public static final String NONE = "none";

    /** A prediction that carries no runner-up probability and no tier (tests, callers outside a classifier). */
    public DomainPrediction(String domain, double confidence, String runnerUp, String reason) {
        this(domain, confidence, runnerUp, 0.0, NONE, false, reason);
    }
}
