package dev.goldilocks.gateway.cli;

import dev.goldilocks.gateway.quality.ReportJson;
import dev.goldilocks.gateway.quality.ReportPage;
import dev.goldilocks.proto.v1.DomainReport;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.ModelHistory;
import dev.goldilocks.proto.v1.ModelReport;
import dev.goldilocks.proto.v1.PolicyPoint;
import dev.goldilocks.proto.v1.QualityEstimate;
import dev.goldilocks.proto.v1.ReportRequest;
import dev.goldilocks.proto.v1.ReportResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Prints the live tradeoff: per domain each model's quality, latency, cost and utility, and how routing policies compare.")
final class ReportCommand implements Callable<Integer> {

    @Mixin
    GatewayClient gateway;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ManagedChannel channel = gateway.channel();
        try {
            ReportResponse r = GoldilocksAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .report(ReportRequest.getDefaultInstance());
            System.out.println(json ? ReportJson.of(r) : text(r));
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static String text(ReportResponse r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "lifetime: quality per source [95%% interval], p50, p95, $ per 1k: every observation since the gateway"
                        + " started%nlive: live quality and utility, the decayed estimates the routing policies use;"
                        + " utility = live quality - %s x cost per request (USD) - %s x latency (s)%n",
                num(r.getLambdaPerUsd()), num(r.getMuPerSecond())));
        if (r.hasDecisionLog()) {
            s.append(String.format(Locale.ROOT, "decision log: %s (%s)%n", r.getDecisionLog().getState(),
                    r.getDecisionLog().getDetail()));
        }
        for (DomainReport d : r.getDomainsList()) {
            s.append(String.format(Locale.ROOT, "%n== %s (winner: %s)%n", d.getDomain(), d.getWinner()));
            s.append(String.format(Locale.ROOT, "%-18s %-44s %8s %8s %12s %8s %10s %12s%n", "model",
                    "lifetime quality (source mean [95%] n)", "p50 s", "p95 s", "$ per 1k", "offline", "live qual.",
                    "live utility"));
            for (ModelReport m : d.getModelsList()) {
                StringBuilder q = new StringBuilder();
                for (QualityEstimate e : m.getQualityList()) {
                    q.append(String.format(Locale.ROOT, "%s %.3f [%.3f, %.3f] n=%d  ", e.getSource(), e.getMean(),
                            e.getLow(), e.getHigh(), e.getN()));
                }
                s.append(String.format(Locale.ROOT, "%-18s %-44s %8s %8s %12s %8s %10s %12s%n", m.getModel(),
                        q.length() == 0 ? "no observations yet" : q.toString().strip(), num(m.getP50Seconds()),
                        num(m.getP95Seconds()), num(m.getCostPer1KRequestsUsd()), num(m.getOfflineQuality()),
                        num(m.getLiveQuality()), num(m.getUtility())));
            }
            s.append(String.format(Locale.ROOT, "%-22s %8s %12s %6s %s%n", "policy (on probes)", "quality", "$ per 1k",
                    "items", "Pareto"));
            for (PolicyPoint p : d.getPoliciesList()) {
                s.append(String.format(Locale.ROOT, "%-22s %8s %12s %6d %s%n", p.getPolicy(), num(p.getQuality()),
                        num(p.getCostPer1KRequestsUsd()), p.getN(), p.getPareto() ? "yes" : ""));
            }
            if (d.getHistoryCount() > 0) {
                s.append(String.format(Locale.ROOT, "stored history (decision log, since %s): client requests and"
                        + " quality per source, across restarts%n", Instant.ofEpochMilli(r.getHistorySinceMillis())));
                s.append(String.format(Locale.ROOT, "%-18s %9s %7s %8s %8s %12s  %s%n", "model", "requests", "errors",
                        "p50 s", "p95 s", "$ per 1k", "quality (source mean [95%] n)"));
                for (ModelHistory h : d.getHistoryList()) {
                    StringBuilder q = new StringBuilder();
                    for (QualityEstimate e : h.getQualityList()) {
                        q.append(String.format(Locale.ROOT, "%s %.3f [%s, %s] n=%d  ", e.getSource(), e.getMean(),
                                num(e.getLow()), num(e.getHigh()), e.getN()));
                    }
                    s.append(String.format(Locale.ROOT, "%-18s %9d %7d %8s %8s %12s  %s%n", h.getModel(),
                            h.getRequests(), h.getErrors(), num(h.getP50Seconds()), num(h.getP95Seconds()),
                            num(h.getCostPer1KRequestsUsd()), q.toString().strip()));
                }
            }
        }
        return s.toString();
    }

    private static String num(double v) {
        return ReportPage.fmt(v);
    }
}
