package dev.goldilocks.store;

import java.time.Instant;

/**
 * A quality observation about a logged request, written through the same queue as decisions into its own
 * table, keyed by the request id. Feedback is not one of these: it is recorded at once, see
 * {@link DecisionLog#recordFeedback}.
 */
public sealed interface Outcome permits ShadowJudgement, ProbeScore, JudgeScore {

    /** The id of the request it is about. */
    String requestId();

    Instant time();
}
