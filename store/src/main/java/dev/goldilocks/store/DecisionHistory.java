package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.Store;
import dev.goldilocks.store.jdbc.Tables;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The queries that read the decision log back, the same SQL on DuckDB and PostgreSQL: the latest
 * decisions ({@code goldilocks log tail}), history per model and domain (the tradeoff report), decisions
 * with propensities, action distributions and outcomes in a window (off-policy evaluation), and a
 * request's feedback. Each call uses a connection of its own, so a long read never holds up feedback.
 */
public final class DecisionHistory {

    /** Rows per round trip of {@link #scan}: bounds memory whatever the window's size. */
    private static final int PAGE = 1_000;

    private final Store store;

    DecisionHistory(Store store) {
        this.store = store;
    }

    /** The latest {@code limit} decisions with their outcomes, newest first. */
    public List<LoggedDecision> latest(int limit) {
        return query(c -> {
            try (PreparedStatement q = c.prepareStatement(LoggedRows.select(
                    "SELECT * FROM decision ORDER BY decided_at DESC, request_id DESC LIMIT ?",
                    "d.decided_at DESC, d.request_id DESC"))) {
                q.setInt(1, limit);
                return readAll(q);
            }
        });
    }

    /**
     * Every decision of the query's window, domain and traffic, oldest first, with its outcomes, handed to
     * {@code sink} page by page (so a week of traffic never sits in memory at once).
     */
    public void scan(EvaluationQuery query, Consumer<LoggedDecision> sink) {
        String traffic = String.join(", ", Collections.nCopies(query.traffic().size(), "?"));
        String page = LoggedRows.select("SELECT * FROM decision WHERE decided_at >= ? AND decided_at < ?"
                + " AND (decided_at > ? OR request_id > ?) AND traffic IN (" + traffic + ")"
                + (query.domain().isPresent() ? " AND domain = ?" : "")
                + " ORDER BY decided_at, request_id LIMIT " + PAGE, "d.decided_at, d.request_id");
        Instant afterTime = query.since();
        String afterId = "";
        while (true) {
            Instant fromTime = afterTime;
            String fromId = afterId;
            List<LoggedDecision> rows = query(c -> {
                try (PreparedStatement q = c.prepareStatement(page)) {
                    int i = 1;
                    // keyset paging: after the last row of the previous page in (decided_at, request_id) order
                    q.setObject(i++, Tables.utc(fromTime));
                    q.setObject(i++, Tables.utc(query.until()));
                    q.setObject(i++, Tables.utc(fromTime));
                    q.setString(i++, fromId);
                    for (TrafficClass t : query.traffic()) {
                        q.setString(i++, t.label());
                    }
                    if (query.domain().isPresent()) {
                        q.setString(i, query.domain().get());
                    }
                    return readAll(q);
                }
            });
            rows.forEach(sink);
            if (rows.size() < PAGE) {
                return;
            }
            Decision last = rows.get(rows.size() - 1).decision();
            afterTime = last.time();
            afterId = last.requestId();
        }
    }

    /** Decisions made in [since, until). */
    public long count(Instant since, Instant until) {
        return query(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT count(*) FROM decision WHERE decided_at >= ? AND decided_at < ?")) {
                q.setObject(1, Tables.utc(since));
                q.setObject(2, Tables.utc(until));
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Requests, errors, latency and cost per served model and domain since {@code since}. */
    public List<ModelUsage> usage(Instant since, Set<TrafficClass> traffic) {
        String classes = String.join(", ", Collections.nCopies(traffic.size(), "?"));
        String sql = "SELECT served_model, domain, count(*) AS requests,"
                + " sum(CASE WHEN status <> 'OK' THEN 1 ELSE 0 END) AS errors,"
                + " sum(CASE WHEN fallback THEN 1 ELSE 0 END) AS fallbacks,"
                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY total_seconds) AS p50,"
                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY total_seconds) AS p95,"
                + " sum(cost_usd) AS cost, CAST(sum(prompt_tokens) AS BIGINT) AS prompt_tokens,"
                + " CAST(sum(completion_tokens) AS BIGINT) AS completion_tokens"
                + " FROM decision WHERE decided_at >= ? AND served_model IS NOT NULL AND traffic IN (" + classes + ")"
                + " GROUP BY served_model, domain ORDER BY domain, served_model";
        return query(c -> {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                int i = 1;
                q.setObject(i++, Tables.utc(since));
                for (TrafficClass t : traffic) {
                    q.setString(i++, t.label());
                }
                List<ModelUsage> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ModelUsage(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getLong(9),
                                rs.getLong(10)));
                    }
                }
                return out;
            }
        });
    }

    /** Quality per served model, domain and source (probe, feedback) from outcomes recorded since {@code since}. */
    public List<ModelQuality> quality(Instant since) {
        String sql = "SELECT d.served_model, d.domain, 'probe' AS source, count(*), avg(p.score),"
                + " var_samp(p.score) AS variance"
                + " FROM probe_score p JOIN decision d ON d.request_id = p.request_id"
                + " WHERE p.scored_at >= ? AND d.served_model IS NOT NULL GROUP BY d.served_model, d.domain"
                + " UNION ALL"
                + " SELECT d.served_model, d.domain, 'feedback' AS source, count(*), avg(f.score),"
                + " var_samp(f.score) AS variance"
                + " FROM feedback f JOIN decision d ON d.request_id = f.request_id"
                + " WHERE f.recorded_at >= ? AND d.served_model IS NOT NULL GROUP BY d.served_model, d.domain"
                + " ORDER BY 2, 1, 3";
        return query(c -> {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setObject(1, Tables.utc(since));
                q.setObject(2, Tables.utc(since));
                List<ModelQuality> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ModelQuality(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getDouble(5), LoggedRows.optional(rs, "variance")));
                    }
                }
                return out;
            }
        });
    }

    /** Shadow comparisons per domain, served and alternative model, judged since {@code since}. */
    public List<ShadowTally> shadow(Instant since) {
        String sql = "SELECT d.domain, s.served_model, s.alternative_model, count(*),"
                + " sum(CASE WHEN s.verdict = 'win' THEN 1 ELSE 0 END),"
                + " sum(CASE WHEN s.verdict = 'loss' THEN 1 ELSE 0 END),"
                + " sum(CASE WHEN s.verdict = 'tie' THEN 1 ELSE 0 END),"
                + " avg(CASE WHEN s.delta > -1e300 AND s.delta < 1e300 THEN s.delta END) AS mean_delta"
                + " FROM shadow_judgement s JOIN decision d ON d.request_id = s.request_id"
                + " WHERE s.judged_at >= ? GROUP BY d.domain, s.served_model, s.alternative_model ORDER BY 1, 2, 3";
        return query(c -> {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setObject(1, Tables.utc(since));
                List<ShadowTally> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ShadowTally(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), rs.getLong(7), LoggedRows.optional(rs, "mean_delta")));
                    }
                }
                return out;
            }
        });
    }

    /** The feedback recorded for a request id, if any (the first one: later ones are not kept). */
    public Optional<Feedback> feedback(String requestId) {
        return query(c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT recorded_at, score, label FROM feedback WHERE request_id = ?")) {
                q.setString(1, requestId);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Feedback(requestId, LoggedRows.instant(rs, "recorded_at"), rs.getDouble(2),
                                    LoggedRows.text(rs, "label")))
                            : Optional.empty();
                }
            }
        });
    }

    private static List<LoggedDecision> readAll(PreparedStatement q) throws SQLException {
        List<LoggedDecision> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.add(LoggedRows.read(rs));
            }
        }
        return out;
    }

    private <T> T query(StoreQuery<T> query) {
        return StoreQuery.on(store, "decision log: reading", query);
    }
}
