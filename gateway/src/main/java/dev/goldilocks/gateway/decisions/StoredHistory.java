package dev.goldilocks.gateway.decisions;

import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.quality.MeanInterval;
import dev.goldilocks.proto.v1.DomainReport;
import dev.goldilocks.proto.v1.ModelHistory;
import dev.goldilocks.proto.v1.QualityEstimate;
import dev.goldilocks.proto.v1.ReportResponse;
import dev.goldilocks.store.DecisionHistory;
import dev.goldilocks.store.DecisionStoreException;
import dev.goldilocks.store.ModelQuality;
import dev.goldilocks.store.ModelUsage;
import dev.goldilocks.store.TrafficClass;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Adds what the decision log holds to the tradeoff report: per domain and model, client requests, errors,
 * latency and cost, and quality per source (probe, feedback) over the log's retention window. The lifetime
 * scoreboard starts empty at every start; this part does not, so a restarted gateway shows what it knew, and
 * every replica sharing a PostgreSQL log shows the same. Runs on the report's builder thread, never a request's.
 */
public final class StoredHistory {

    private final DecisionLogging log;
    private final Duration window;
    private final RateLimitedLog warnings = new RateLimitedLog(LoggerFactory.getLogger(StoredHistory.class),
            Duration.ofSeconds(60));

    /** @param window how far back the history reaches (the log's retention; zero: everything) */
    public StoredHistory(DecisionLogging log, Duration window) {
        this.log = log;
        this.window = window;
    }

    /** The report with the log's health and, when the log answers, its history per domain and model. */
    public ReportResponse addTo(ReportResponse report) {
        ReportResponse.Builder out = report.toBuilder().setDecisionLog(log.healthMessage());
        Optional<DecisionHistory> history = log.history();
        if (history.isEmpty()) {
            return out.build();
        }
        Instant since = window.isZero() ? Instant.EPOCH : Instant.ofEpochMilli(report.getGeneratedAtMillis()).minus(window);
        List<ModelUsage> usage;
        List<ModelQuality> quality;
        try {
            usage = history.get().usage(since, Set.of(TrafficClass.CLIENT));
            quality = history.get().quality(since);
        } catch (DecisionStoreException e) {
            warnings.warn("history", "report: the stored history is left out, the decision log did not answer: {}",
                    e.getMessage());
            return out.build();
        }
        out.setHistorySinceMillis(since.toEpochMilli());
        for (DomainReport.Builder domain : out.getDomainsBuilderList()) {
            Map<String, ModelHistory.Builder> models = new LinkedHashMap<>();
            for (ModelUsage u : usage) {
                if (u.domain().equals(domain.getDomain())) {
                    models.put(u.model(), ModelHistory.newBuilder().setModel(u.model()).setRequests(u.requests())
                            .setErrors(u.errors()).setFallbacks(u.fallbacks()).setP50Seconds(u.p50Seconds())
                            .setP95Seconds(u.p95Seconds())
                            .setCostPer1KRequestsUsd(u.requests() == 0 ? Double.NaN : 1000 * u.costUsd() / u.requests()));
                }
            }
            for (ModelQuality q : quality) {
                if (q.domain().equals(domain.getDomain())) {
                    models.computeIfAbsent(q.model(), m -> ModelHistory.newBuilder().setModel(m)
                            .setP50Seconds(Double.NaN).setP95Seconds(Double.NaN)
                            .setCostPer1KRequestsUsd(Double.NaN)).addQuality(estimate(q));
                }
            }
            models.values().forEach(domain::addHistory);
        }
        return out.build();
    }

    /** The mean with its Jeffreys interval, as the lifetime scoreboard's graded sources have (scores in [0, 1]). */
    private static QualityEstimate estimate(ModelQuality q) {
        MeanInterval interval = MeanInterval.jeffreys(Math.max(0, Math.min(q.n(), q.mean() * q.n())), q.n());
        return QualityEstimate.newBuilder().setSource(q.source()).setMean(q.mean()).setLow(interval.low())
                .setHigh(interval.high()).setN(q.n()).build();
    }
}
