package dev.goldilocks.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The SELECT that reads decisions with their outcomes, and how one of its rows becomes a
 * {@link LoggedDecision}. The decisions come from a subquery {@code d} the caller writes (filter, order,
 * limit), so the outcome tables are joined to those rows only.
 */
final class LoggedRows {

    private LoggedRows() {
    }

    /** The query over the decisions selected by {@code decisions} (a SELECT * FROM decision ...). */
    static String select(String decisions, String order) {
        return "SELECT d.*,"
                + " f.recorded_at AS f_time, f.score AS f_score, f.label AS f_label,"
                + " s.judged_at AS s_time, s.served_model AS s_served, s.alternative_model AS s_alternative,"
                + " s.delta AS s_delta, s.verdict AS s_verdict,"
                + " p.scored_at AS p_time, p.item_id AS p_item, p.metric AS p_metric, p.score AS p_score,"
                + " p.reference_loglik_per_byte AS p_loglik"
                + " FROM (" + decisions + ") d"
                + " LEFT JOIN feedback f ON f.request_id = d.request_id"
                + " LEFT JOIN shadow_judgement s ON s.request_id = d.request_id"
                + " LEFT JOIN probe_score p ON p.request_id = d.request_id"
                + " ORDER BY " + order;
    }

    static LoggedDecision read(ResultSet rs) throws SQLException {
        String id = rs.getString("request_id");
        Decision d = new Decision(id, instant(rs, "decided_at"), TrafficClass.ofLabel(rs.getString("traffic")),
                text(rs, "unit_hash"),
                new Decision.Assignment(text(rs, "experiment"), text(rs, "arm"), rs.getString("policy"),
                        rs.getString("policy_settings_hash")),
                new Decision.Classification(rs.getString("domain"), rs.getDouble("confidence"),
                        zip(rs, "score_domains", "score_values")),
                new Decision.Action(zip(rs, "action_models", "action_probabilities"), rs.getString("chosen_model")),
                new Decision.Serving(text(rs, "served_model"), rs.getBoolean("fallback"), text(rs, "fallback_reason"),
                        rs.getBoolean("escalated"), text(rs, "escalation_reason"), rs.getString("status")),
                new Decision.Timing(rs.getDouble("total_seconds"), optional(rs, "first_token_seconds"),
                        optional(rs, "queue_seconds"), optional(rs, "compute_seconds")),
                new Decision.Usage(rs.getInt("prompt_tokens"), rs.getInt("completion_tokens"), rs.getDouble("cost_usd")),
                rs.getString("prompt_text") == null ? Optional.empty()
                        : Optional.of(new Decision.Text(rs.getString("prompt_text"), text(rs, "answer_text"))));
        Optional<Feedback> feedback = rs.getObject("f_time") == null ? Optional.empty()
                : Optional.of(new Feedback(id, instant(rs, "f_time"), rs.getDouble("f_score"), text(rs, "f_label")));
        Optional<ShadowJudgement> shadow = rs.getObject("s_time") == null ? Optional.empty()
                : Optional.of(new ShadowJudgement(id, instant(rs, "s_time"), rs.getString("s_served"),
                        rs.getString("s_alternative"), rs.getDouble("s_delta"),
                        ShadowJudgement.Verdict.ofLabel(rs.getString("s_verdict"))));
        Optional<ProbeScore> probe = rs.getObject("p_time") == null ? Optional.empty()
                : Optional.of(new ProbeScore(id, instant(rs, "p_time"), rs.getString("p_item"), rs.getString("p_metric"),
                        rs.getDouble("p_score"), optional(rs, "p_loglik")));
        return new LoggedDecision(d, feedback, shadow, probe);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** A nullable text column, NULL read as "". */
    static String text(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        return value == null ? "" : value;
    }

    static OptionalDouble optional(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Two parallel array columns as one map: keys[i] to values[i]. */
    private static Map<String, Double> zip(ResultSet rs, String keysColumn, String valuesColumn) throws SQLException {
        Object[] keys = elements(rs.getArray(keysColumn));
        Object[] values = elements(rs.getArray(valuesColumn));
        if (keys.length != values.length) {
            throw new SQLException(keysColumn + " and " + valuesColumn + " differ in length for request "
                    + rs.getString("request_id"));
        }
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            map.put((String) keys[i], ((Number) values[i]).doubleValue());
        }
        return map;
    }

    private static Object[] elements(Array array) throws SQLException {
        try {
            return (Object[]) array.getArray();
        } finally {
            array.free();
        }
    }
}
