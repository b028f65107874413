package dev.goldilocks.store;

import java.time.Duration;
import java.util.Optional;

/**
 * Where every routing decision and its outcomes go: DuckDB embedded or PostgreSQL shared by replicas
 * (see {@link DecisionLogs#open}), or nowhere when the log is off. Recording never blocks the caller: rows
 * are queued and written in batches on a thread of the log's own; what cannot be written is dropped and
 * counted ({@code goldilocks_decision_log_dropped_total{reason}}), and {@link #health} says so.
 */
public interface DecisionLog extends AutoCloseable {

    /**
     * Queues a decision; returns at once. False when it was dropped (queue full, or the log closed) and
     * counted. Its text is kept only when the log is configured to keep text.
     */
    boolean record(Decision decision);

    /** Queues a shadow judgement or a probe score, like {@link #record(Decision)}. */
    boolean record(Outcome outcome);

    /**
     * Records a feedback score unless one was recorded for its request id before, by any replica sharing
     * the store: the store's unique key decides, so it counts once. Synchronous: the caller learns whether
     * it was the first. {@link FeedbackReceipt#UNAVAILABLE} when the store cannot answer or the log is off.
     */
    FeedbackReceipt recordFeedback(Feedback feedback);

    /** The queries that read the log back; empty when the log is off. */
    Optional<DecisionHistory> history();

    /** Experiments kept in the same store; empty when the log is off. */
    Optional<ExperimentStore> experiments();

    LogHealth health();

    /**
     * Waits until every row recorded before this call is written or counted as dropped; false when that
     * did not happen within {@code timeout} (the store is unreachable or slow).
     */
    boolean flush(Duration timeout);

    /** Writes what is queued (while the store answers) and releases the store. */
    @Override
    void close();

    /** The log when it is off by configuration: records nothing and says so. */
    static DecisionLog off() {
        return new DecisionLog() {
            @Override
            public boolean record(Decision decision) {
                return false;
            }

            @Override
            public boolean record(Outcome outcome) {
                return false;
            }

            @Override
            public FeedbackReceipt recordFeedback(Feedback feedback) {
                return FeedbackReceipt.UNAVAILABLE;
            }

            @Override
            public Optional<DecisionHistory> history() {
                return Optional.empty();
            }

            @Override
            public Optional<ExperimentStore> experiments() {
                return Optional.empty();
            }

            @Override
            public LogHealth health() {
                return new LogHealth(LogHealth.State.OFF, "the decision log is off (decision_log.store: off)");
            }

            @Override
            public boolean flush(Duration timeout) {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }
}
