package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.Tables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Deletes rows older than the retention, each table by its own time column, when a check is due. */
final class Retention {

    private static final List<String> DELETES = List.of(
            "DELETE FROM decision WHERE decided_at < ?",
            "DELETE FROM feedback WHERE recorded_at < ?",
            "DELETE FROM shadow_judgement WHERE judged_at < ?",
            "DELETE FROM probe_score WHERE scored_at < ?",
            "DELETE FROM judge_score WHERE judged_at < ?");

    private final Duration keep;
    private final Duration every;
    private final Clock clock;
    private Instant due;

    /** @param keep how long rows are kept; zero keeps them forever */
    Retention(Duration keep, Duration every, Clock clock) {
        this.keep = keep;
        this.every = every;
        this.clock = clock;
        this.due = clock.instant();
    }

    boolean enabled() {
        return !keep.isZero();
    }

    /** Milliseconds until the next check (a long wait when retention is off). */
    long millisUntilDue() {
        return enabled() ? Math.max(0, Duration.between(clock.instant(), due).toMillis()) : Long.MAX_VALUE;
    }

    /** Deletes what is past the retention if a check is due; returns the rows deleted. */
    long runIfDue(Connection connection) throws SQLException {
        if (!enabled() || millisUntilDue() > 0) {
            return 0;
        }
        Instant now = clock.instant();
        due = now.plus(every);
        Instant cutoff = now.minus(keep);
        long deleted = 0;
        for (String delete : DELETES) {
            try (PreparedStatement s = connection.prepareStatement(delete)) {
                s.setObject(1, Tables.utc(cutoff));
                deleted += s.executeUpdate();
            }
        }
        return deleted;
    }
}
