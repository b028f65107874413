package dev.goldilocks.stats.experiment;

/** What a treatment arm's comparison with control says now. */
public enum Verdict {
    /** Not enough evidence yet; keep running. */
    RUNNING,
    /** Better on the primary metric, every guardrail held. */
    TREATMENT_BETTER,
    /** Worse on the primary metric. */
    TREATMENT_WORSE,
    /** The primary metric differs by less than its margin. */
    NO_DIFFERENCE,
    /** A guardrail is worse than its margin; stop the arm. */
    GUARDRAIL_BREACHED,
    /** Units per arm do not match the weights: nothing else can be trusted. */
    SAMPLE_RATIO_MISMATCH
}
