package dev.goldilocks.store;

import java.util.Locale;

/**
 * What an experiment measures per arm, each a ratio of sums over the requests of a randomisation unit: the
 * numerator and the denominator of one unit, as SQL over its exposures {@code d} (decision), their feedback
 * {@code f} and their judge score {@code j}. Requests of one unit are correlated, so the store sums per unit first
 * and an analysis compares arms with the delta method over units.
 */
public enum ExposureMetric {
    /** The clients' feedback score per scored request. */
    QUALITY("client feedback score per scored request", true, "coalesce(sum(f.score), 0)", "count(f.score)"),
    /** The judge's score per judged request (a sampled share of each arm's answers). */
    JUDGE_QUALITY("judge's score per judged request", true, "coalesce(sum(j.score), 0)", "count(j.score)"),
    COST_USD("cost per request, US dollars", false, "sum(d.cost_usd)", "count(*)"),
    /** Over answered requests: a failure's latency says how fast it failed (error_rate counts failures). */
    LATENCY_SECONDS("total latency per answered request, seconds", false,
            "coalesce(sum(CASE WHEN d.status = 'OK' THEN d.total_seconds END), 0)",
            "count(CASE WHEN d.status = 'OK' THEN 1 END)"),
    TTFT_SECONDS("time to first token per answered request, seconds", false,
            "coalesce(sum(CASE WHEN d.status = 'OK' THEN d.first_token_seconds END), 0)",
            "count(CASE WHEN d.status = 'OK' THEN d.first_token_seconds END)"),
    ERROR_RATE("share of requests that failed", false, "sum(CASE WHEN d.status <> 'OK' THEN 1.0 ELSE 0.0 END)",
            "count(*)"),
    FALLBACK_RATE("share of requests answered by a fallback", false,
            "sum(CASE WHEN d.fallback THEN 1.0 ELSE 0.0 END)", "count(*)"),
    /** The share answered by the generic model (lower is cheaper; neither better nor worse in itself). */
    GENERIC_SHARE("share of requests answered by the generic model", false,
            "sum(CASE WHEN d.served_model = ? THEN 1.0 ELSE 0.0 END)", "count(*)");

    private final String description;
    private final boolean higherIsBetter;
    private final String numerator;
    private final String denominator;

    ExposureMetric(String description, boolean higherIsBetter, String numerator, String denominator) {
        this.description = description;
        this.higherIsBetter = higherIsBetter;
        this.numerator = numerator;
        this.denominator = denominator;
    }

    /** The name in the admin API, the CLI and reports: quality, cost_usd, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String description() {
        return description;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    String numerator() {
        return numerator;
    }

    String denominator() {
        return denominator;
    }

    /** The metric named {@code key}, or null. */
    public static ExposureMetric ofKey(String key) {
        for (ExposureMetric m : values()) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        return null;
    }
}
