package dev.goldilocks.store.jdbc;

import dev.goldilocks.store.Decision;
import dev.goldilocks.store.JudgeScore;
import dev.goldilocks.store.ProbeScore;
import dev.goldilocks.store.ShadowJudgement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** The tables the writer fills, as the migrations define them. */
public final class Tables {

    private Tables() {
    }

    public static final Table<Decision> DECISION = new Table<>("decision", List.of(
            "request_id", "decided_at", "traffic", "unit_hash", "experiment", "arm", "policy", "policy_settings_hash",
            "domain", "confidence", "score_domains", "score_values", "action_models", "action_probabilities",
            "chosen_model", "propensity", "served_model", "fallback", "fallback_reason", "escalated",
            "escalation_reason", "status", "total_seconds", "first_token_seconds", "queue_seconds", "compute_seconds",
            "prompt_tokens", "completion_tokens", "cost_usd", "prompt_text", "answer_text"), d -> new Object[] {
                d.requestId(), utc(d.time()), d.traffic().label(), orNull(d.unitHash()),
                orNull(d.assignment().experiment()), orNull(d.assignment().arm()), d.assignment().policy(),
                d.assignment().settingsHash(),
                d.classification().domain(), d.classification().confidence(),
                keys(d.classification().scores()), values(d.classification().scores()),
                keys(d.action().distribution()), values(d.action().distribution()),
                d.action().chosenModel(), d.action().propensity(),
                orNull(d.serving().servedModel()), d.serving().fallback(), orNull(d.serving().fallbackReason()),
                d.serving().escalated(), orNull(d.serving().escalationReason()), d.serving().status(),
                d.timing().totalSeconds(), orNull(d.timing().firstTokenSeconds()), orNull(d.timing().queueSeconds()),
                orNull(d.timing().computeSeconds()),
                d.usage().promptTokens(), d.usage().completionTokens(), d.usage().costUsd(),
                d.text().map(t -> storable(t.prompt())).orElse(null),
                d.text().map(t -> storable(t.answer())).orElse(null)});

    public static final Table<ShadowJudgement> SHADOW_JUDGEMENT = new Table<>("shadow_judgement", List.of(
            "request_id", "judged_at", "served_model", "alternative_model", "delta", "verdict"), s -> new Object[] {
                s.requestId(), utc(s.time()), s.servedModel(), s.alternativeModel(), s.delta(), s.verdict().label()});

    public static final Table<ProbeScore> PROBE_SCORE = new Table<>("probe_score", List.of(
            "request_id", "scored_at", "item_id", "metric", "score", "reference_loglik_per_byte"), p -> new Object[] {
                p.requestId(), utc(p.time()), p.itemId(), p.metric(), p.score(), orNull(p.referenceLoglikPerByte())});

    public static final Table<JudgeScore> JUDGE_SCORE = new Table<>("judge_score", List.of(
            "request_id", "judged_at", "judge_model", "score"), j -> new Object[] {
                j.requestId(), utc(j.time()), j.judgeModel(), j.score()});

    /** Every table the writer appends to, for the check that the schema matches. */
    public static final List<Table<?>> ALL = List.of(DECISION, SHADOW_JUDGEMENT, PROBE_SCORE, JUDGE_SCORE);

    /**
     * Text from outside (a prompt, an answer, a client's label) as every store takes it: PostgreSQL's TEXT
     * cannot hold U+0000, so it becomes U+FFFD rather than costing the row.
     */
    public static String storable(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String orNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static Double orNull(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    private static Table.TextArray keys(Map<String, Double> map) {
        return new Table.TextArray(List.copyOf(map.keySet()));
    }

    private static double[] values(Map<String, Double> map) {
        return map.values().stream().mapToDouble(Double::doubleValue).toArray();
    }
}
