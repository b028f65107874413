package dev.goldilocks.gateway.quality;

import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.DomainReport;
import dev.goldilocks.proto.v1.ModelReport;
import dev.goldilocks.proto.v1.PolicyPoint;
import dev.goldilocks.proto.v1.QualityEstimate;
import dev.goldilocks.proto.v1.ReportResponse;
import dev.goldilocks.router.CandidateModel;
import dev.goldilocks.router.RouteDecision;
import dev.goldilocks.router.Router;
import dev.goldilocks.router.RoutingSettings;
import dev.goldilocks.router.stats.Estimate;
import dev.goldilocks.router.stats.LiveStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the tradeoff report: per domain, each candidate model's lifetime quality per source (mean, 95%
 * interval, n), latency and cost, its live (decayed) quality and utility, the utility winner, and every
 * routing policy replayed on the probed items (each item was answered by every candidate, so what a policy
 * would have returned is known; items were classified when they were logged). A build reads every probed
 * item, so callers take it from {@link CachedReport}, off their own thread.
 */
public final class TradeoffReport {

    private final Scoreboard scoreboard;
    private final ProbeLog probes;
    private final Router router;
    private final LiveStats stats;
    private final RoutingSettings settings;
    private final Map<String, ModelRoute> models;

    public TradeoffReport(Scoreboard scoreboard, ProbeLog probes, Router router, LiveStats stats,
                          RoutingSettings settings, Map<String, ModelRoute> models) {
        this.scoreboard = scoreboard;
        this.probes = probes;
        this.router = router;
        this.stats = stats;
        this.settings = settings;
        this.models = Map.copyOf(models);
    }

    public ReportResponse build() {
        ReportResponse.Builder report = ReportResponse.newBuilder().setLambdaPerUsd(settings.lambda())
                .setMuPerSecond(settings.mu()).setGeneratedAtMillis(System.currentTimeMillis());
        List<ProbeLog.Entry> log = probes.snapshot();
        for (String domain : settings.domains()) {
            DomainReport.Builder d = DomainReport.newBuilder().setDomain(domain);
            double best = Double.NEGATIVE_INFINITY;
            for (CandidateModel m : candidates(domain)) {
                ModelReport model = model(m.name(), domain);
                d.addModels(model);
                if (model.getUtility() > best) {
                    best = model.getUtility();
                    d.setWinner(m.name());
                }
            }
            List<ProbeLog.Entry> items = log.stream().filter(e -> e.domain().equals(domain)).toList();
            d.addAllPolicies(pareto(router.policyNames().stream().sorted().map(p -> replay(p, items)).toList()));
            report.addDomains(d);
        }
        return report.build();
    }

    private List<CandidateModel> candidates(String domain) {
        var catalog = router.catalog();
        return catalog.specialist(domain).map(s -> List.of(catalog.generic(), s)).orElse(List.of(catalog.generic()));
    }

    private ModelReport model(String name, String domain) {
        Scoreboard.Cell cell = scoreboard.cell(name, domain);
        Estimate live = stats.estimate(name, domain);
        ModelReport.Builder b = ModelReport.newBuilder().setModel(name)
                .setP50Seconds(cell.latencyPercentileSeconds(50))
                .setP95Seconds(cell.latencyPercentileSeconds(95))
                .setCostPer1KRequestsUsd(cell.meanCost() * 1000)
                .setCalls(cell.calls())
                .setUtility(live.utility(settings.lambda(), settings.mu()))
                .setLiveQuality(live.quality())
                .setOfflineQuality(models.get(name).prior().quality().getOrDefault(domain, Double.NaN));
        for (String source : Scoreboard.SOURCES) {
            QualityTally t = cell.quality(source);
            if (t.n() > 0) {
                MeanInterval interval = t.interval95();
                b.addQuality(QualityEstimate.newBuilder().setSource(source).setMean(t.mean())
                        .setLow(interval.low()).setHigh(interval.high()).setN(t.n()));
            }
        }
        return b.build();
    }

    /** What the policy would have returned on each probed item: its choice's score and cost there. */
    private PolicyPoint replay(String policy, List<ProbeLog.Entry> items) {
        double quality = 0;
        double cost = 0;
        int n = 0;
        for (ProbeLog.Entry e : items) {
            RouteDecision d = router.route(e.prediction(), policy);
            ProbeLog.Result first = e.byModel().get(d.model());
            if (first == null) {
                continue; // misclassified into another domain's model: not probed on this item
            }
            ProbeLog.Result answer = first;
            double itemCost = first.costUsd();
            if (d.escalation().isPresent() && d.escalation().get().escalates(first.meanLogprob(), first.tokens())) {
                ProbeLog.Result second = e.byModel().get(d.escalation().get().model());
                if (second == null) {
                    continue;
                }
                answer = second;
                itemCost += second.costUsd();
            }
            quality += answer.score();
            cost += itemCost;
            n++;
        }
        return PolicyPoint.newBuilder().setPolicy(policy).setN(n)
                .setQuality(n == 0 ? Double.NaN : quality / n)
                .setCostPer1KRequestsUsd(n == 0 ? Double.NaN : cost / n * 1000).build();
    }

    /** Marks the points that no other point beats on quality at no more cost. */
    static List<PolicyPoint> pareto(List<PolicyPoint> points) {
        List<PolicyPoint> out = new ArrayList<>();
        for (PolicyPoint p : points) {
            boolean dominated = p.getN() == 0 || points.stream().anyMatch(q -> q != p && q.getN() > 0
                    && q.getQuality() >= p.getQuality() && q.getCostPer1KRequestsUsd() <= p.getCostPer1KRequestsUsd()
                    && (q.getQuality() > p.getQuality() || q.getCostPer1KRequestsUsd() < p.getCostPer1KRequestsUsd()));
            out.add(p.toBuilder().setPareto(!dominated).build());
        }
        return out;
    }
}
