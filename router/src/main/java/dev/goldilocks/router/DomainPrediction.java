package dev.goldilocks.router;

/**
 * What the classifier thinks a prompt is about.
 *
 * @param domain     the most likely domain, or {@link #UNKNOWN}
 * @param confidence its probability, in [0, 1]
 * @param runnerUp   the second most likely domain (empty when there is none)
 * @param reason     how the domain was decided, for the response's route
 */
public record DomainPrediction(String domain, double confidence, String runnerUp, String reason) {

    public static final String UNKNOWN = "unknown";
}
