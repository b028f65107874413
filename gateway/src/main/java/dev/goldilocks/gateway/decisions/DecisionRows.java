package dev.goldilocks.gateway.decisions;

import dev.goldilocks.proto.v1.DecisionLogRow;
import dev.goldilocks.store.Decision;
import dev.goldilocks.store.LoggedDecision;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** A logged decision with its outcomes as the admin API sends it (LogTail). */
public final class DecisionRows {

    private DecisionRows() {
    }

    public static DecisionLogRow of(LoggedDecision logged) {
        Decision d = logged.decision();
        DecisionLogRow.Builder row = DecisionLogRow.newBuilder()
                .setRequestId(d.requestId())
                .setDecidedAtMicros(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, d.time()))
                .setTraffic(d.traffic().label())
                .setUnitHash(d.unitHash())
                .setExperiment(d.assignment().experiment())
                .setArm(d.assignment().arm())
                .setPolicy(d.assignment().policy())
                .setPolicySettingsHash(d.assignment().settingsHash())
                .setDomain(d.classification().domain())
                .setConfidence(d.classification().confidence())
                .putAllDomainScores(d.classification().scores())
                .putAllActionDistribution(d.action().distribution())
                .setChosenModel(d.action().chosenModel())
                .setPropensity(d.action().propensity())
                .setServedModel(d.serving().servedModel())
                .setFallback(d.serving().fallback())
                .setFallbackReason(d.serving().fallbackReason())
                .setEscalated(d.serving().escalated())
                .setEscalationReason(d.serving().escalationReason())
                .setStatus(d.serving().status())
                .setTotalSeconds(d.timing().totalSeconds())
                .setFirstTokenSeconds(d.timing().firstTokenSeconds().orElse(Double.NaN))
                .setQueueSeconds(d.timing().queueSeconds().orElse(Double.NaN))
                .setComputeSeconds(d.timing().computeSeconds().orElse(Double.NaN))
                .setPromptTokens(d.usage().promptTokens())
                .setCompletionTokens(d.usage().completionTokens())
                .setCostUsd(d.usage().costUsd());
        logged.feedback().ifPresent(f -> row.setHasFeedback(true).setFeedbackScore(f.score()));
        logged.probe().ifPresent(p -> row.setHasProbeScore(true).setProbeScore(p.score()).setProbeMetric(p.metric())
                .setProbeItemId(p.itemId()));
        logged.shadow().ifPresent(s -> row.setShadowVerdict(s.verdict().label())
                .setShadowAlternativeModel(s.alternativeModel()));
        return row.build();
    }

    /**
     * One line for {@code goldilocks log tail}: time, traffic, domain, policy, chosen model with its propensity,
     * the model that answered, status, latency, cost, outcomes, request id.
     */
    public static String line(DecisionLogRow r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s %-6s %-6s %-20s chose %s (p=%.3f)",
                java.time.Instant.EPOCH.plus(r.getDecidedAtMicros(), ChronoUnit.MICROS).truncatedTo(ChronoUnit.MILLIS),
                r.getTraffic(), r.getDomain(), r.getPolicy(), r.getChosenModel(), r.getPropensity()));
        if (!r.getServedModel().isEmpty() && !r.getServedModel().equals(r.getChosenModel())) {
            s.append(" served ").append(r.getServedModel());
            s.append(r.getFallback() ? " (fallback)" : r.getEscalated() ? " (escalated)" : "");
        }
        s.append(String.format(Locale.ROOT, " %s %.3fs $%.8f", r.getStatus(), r.getTotalSeconds(), r.getCostUsd()));
        if (r.getHasFeedback()) {
            s.append(String.format(Locale.ROOT, " feedback %.2f", r.getFeedbackScore()));
        }
        if (r.getHasProbeScore()) {
            s.append(String.format(Locale.ROOT, " probe %s %.2f", r.getProbeMetric(), r.getProbeScore()));
        }
        if (!r.getShadowVerdict().isEmpty()) {
            s.append(" shadow ").append(r.getShadowVerdict()).append(" vs ").append(r.getShadowAlternativeModel());
        }
        return s.append(' ').append(r.getRequestId()).toString();
    }
}
