package dev.goldilocks.store;

/** What became of a feedback score handed to the decision log. */
public enum FeedbackReceipt {
    /** The first score for this request id: it counts. */
    FIRST,
    /** A score for this request id was recorded before (by this replica or another): it does not count. */
    REPEATED,
    /** The store could not answer (it is down, or the log is off): the caller decides without it. */
    UNAVAILABLE
}
