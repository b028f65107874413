package dev.goldilocks.store;

import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.store.jdbc.SqlErrors;
import dev.goldilocks.store.jdbc.Store;
import dev.goldilocks.store.jdbc.Tables;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** The decision log over a real store: a batch writer for rows, a session for feedback, queries to read. */
final class StoreDecisionLog implements DecisionLog {

    private static final String INSERT_FEEDBACK = "INSERT INTO feedback (request_id, recorded_at, score, label)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING";

    private final Store store;
    private final BatchWriter writer;
    private final SessionConnection session;
    private final DecisionHistory history;
    private final ExperimentStore experiments;
    private final boolean logText;
    private final RateLimitedLog rateLimited = new RateLimitedLog(LoggerFactory.getLogger(StoreDecisionLog.class),
            Duration.ofSeconds(30));

    StoreDecisionLog(Store store, BatchWriter writer, SessionConnection session, boolean logText) {
        this.store = store;
        this.writer = writer;
        this.session = session;
        this.history = new DecisionHistory(store);
        this.experiments = new ExperimentStore(store);
        this.logText = logText;
    }

    @Override
    public boolean record(Decision decision) {
        return writer.offer(logText ? decision : decision.withoutText());
    }

    @Override
    public boolean record(Outcome outcome) {
        return writer.offer(outcome);
    }

    @Override
    public FeedbackReceipt recordFeedback(Feedback feedback) {
        try {
            int inserted = session.use(c -> {
                try (PreparedStatement insert = c.prepareStatement(INSERT_FEEDBACK)) {
                    insert.setString(1, feedback.requestId());
                    insert.setObject(2, Tables.utc(feedback.time()));
                    insert.setDouble(3, feedback.score());
                    insert.setString(4, feedback.label().isEmpty() ? null : Tables.storable(feedback.label()));
                    return insert.executeUpdate();
                }
            });
            return inserted == 1 ? FeedbackReceipt.FIRST : FeedbackReceipt.REPEATED;
        } catch (SQLException | RuntimeException e) {
            rateLimited.warn("feedback", "decision log: feedback not recorded, {} did not answer: {}", store.location(),
                    SqlErrors.describe(e));
            return FeedbackReceipt.UNAVAILABLE;
        }
    }

    @Override
    public Optional<DecisionHistory> history() {
        return Optional.of(history);
    }

    @Override
    public Optional<ExperimentStore> experiments() {
        return Optional.of(experiments);
    }

    @Override
    public LogHealth health() {
        return writer.health();
    }

    @Override
    public boolean flush(Duration timeout) {
        return writer.flush(timeout);
    }

    @Override
    public void close() {
        writer.close();
        session.close();
        store.close();
    }
}
