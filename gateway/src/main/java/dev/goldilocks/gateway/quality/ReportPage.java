package dev.goldilocks.gateway.quality;

import dev.goldilocks.proto.v1.DomainReport;
import dev.goldilocks.proto.v1.ModelReport;
import dev.goldilocks.proto.v1.PolicyPoint;
import dev.goldilocks.proto.v1.QualityEstimate;
import dev.goldilocks.proto.v1.ReportResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The report as one self-contained HTML page: per domain a quality-against-cost chart (inline SVG, no
 * scripts, nothing fetched) with models as circles and routing policies as squares (filled on the Pareto
 * frontier), and the tables behind it.
 */
public final class ReportPage {

    private static final int W = 560;
    private static final int H = 300;
    private static final int PAD = 48;

    private ReportPage() {
    }

    public static String html(ReportResponse r) {
        StringBuilder s = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Goldilocks: generic or specialist?</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:2em;color:#222}
                table{border-collapse:collapse;margin:.5em 0 1.5em}
                td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
                th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
                .winner{font-weight:bold} svg{border:1px solid #ddd;background:#fff}
                </style></head><body>
                <h1>Generic or specialist? The live tradeoff</h1>
                """);
        s.append("<p>Quality is the share of probes answered correctly (math: exact match) or chrF of the answer")
                .append(" (code, legal, prose), in [0, 1]. Two estimates, from the same observations:</p><ul>")
                .append("<li><b>Lifetime scoreboard</b> (quality per source with its 95% interval: Wilson for 0/1")
                .append(" scores, Jeffreys Beta for graded ones; latency; cost; calls): every observation since this")
                .append(" gateway started, weighted equally.</li>")
                .append("<li><b>Live statistics</b> (live quality, utility): the decayed estimates the routing policies")
                .append(" decide on, recent observations dominating, starting from the offline prior. Utility = live")
                .append(" quality - ").append(fmt(r.getLambdaPerUsd())).append(" x cost per request (USD) - ")
                .append(fmt(r.getMuPerSecond())).append(" x latency (s).</li></ul><p>Generated ")
                .append(Instant.ofEpochMilli(r.getGeneratedAtMillis())).append(".</p>\n");
        for (DomainReport d : r.getDomainsList()) {
            s.append("<section id=\"").append(esc(d.getDomain())).append("\"><h2>").append(esc(d.getDomain()))
                    .append("</h2>\n");
            s.append(chart(d));
            s.append("<table><tr><th rowspan=\"2\">model</th><th colspan=\"5\">lifetime scoreboard</th>")
                    .append("<th rowspan=\"2\">offline</th><th colspan=\"2\">live statistics (decayed)</th></tr>")
                    .append("<tr><th>quality (source, 95% interval, n)</th><th>p50 s</th><th>p95 s</th>")
                    .append("<th>cost per 1k requests</th><th>calls</th><th>live quality</th><th>utility</th></tr>\n");
            for (ModelReport m : d.getModelsList()) {
                s.append("<tr").append(m.getModel().equals(d.getWinner()) ? " class=\"winner\"" : "").append("><td>")
                        .append(esc(m.getModel())).append(m.getModel().equals(d.getWinner()) ? " (wins)" : "")
                        .append("</td><td>");
                for (QualityEstimate q : m.getQualityList()) {
                    s.append(esc(q.getSource())).append(' ').append(fmt(q.getMean())).append(" [").append(fmt(q.getLow()))
                            .append(", ").append(fmt(q.getHigh())).append("] n=").append(q.getN()).append("<br>");
                }
                s.append("</td><td>").append(fmt(m.getP50Seconds()))
                        .append("</td><td>").append(fmt(m.getP95Seconds())).append("</td><td>$")
                        .append(fmt(m.getCostPer1KRequestsUsd())).append("</td><td>").append(m.getCalls())
                        .append("</td><td>").append(fmt(m.getOfflineQuality())).append("</td><td>")
                        .append(fmt(m.getLiveQuality())).append("</td><td>").append(fmt(m.getUtility()))
                        .append("</td></tr>\n");
            }
            s.append("</table>\n<table><tr><th>policy</th><th>quality</th><th>cost per 1k requests</th><th>items</th>")
                    .append("<th>Pareto</th></tr>\n");
            for (PolicyPoint p : d.getPoliciesList()) {
                s.append("<tr><td>").append(esc(p.getPolicy())).append("</td><td>").append(fmt(p.getQuality()))
                        .append("</td><td>$").append(fmt(p.getCostPer1KRequestsUsd())).append("</td><td>")
                        .append(p.getN()).append("</td><td>").append(p.getPareto() ? "yes" : "").append("</td></tr>\n");
            }
            s.append("</table></section>\n");
        }
        return s.append("</body></html>\n").toString();
    }

    private static String chart(DomainReport d) {
        double maxCost = 0;
        double maxQuality = 0.05;
        for (ModelReport m : d.getModelsList()) {
            maxCost = Math.max(maxCost, finite(m.getCostPer1KRequestsUsd()));
            maxQuality = Math.max(maxQuality, finite(probeMean(m)));
        }
        for (PolicyPoint p : d.getPoliciesList()) {
            maxCost = Math.max(maxCost, finite(p.getCostPer1KRequestsUsd()));
            maxQuality = Math.max(maxQuality, finite(p.getQuality()));
        }
        double xMax = maxCost > 0 ? maxCost * 1.15 : 1;
        double yMax = Math.min(1, maxQuality * 1.15);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"quality against cost, %s\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\">%n", esc(d.getDomain()), W, H, W, H));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", PAD, H - PAD, W - 10, H - PAD,
                PAD, H - PAD, PAD, 10));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">cost per 1k requests "
                + "(USD, 0 to %s)</text>%n", (W + PAD) / 2, H - 12, fmt(xMax)));
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">quality (0 to %s)</text>%n", H / 2, H / 2, fmt(yMax)));
        // policies that land on the same point (they chose the same models) share one square and one label
        Map<String, List<PolicyPoint>> byPoint = new LinkedHashMap<>();
        for (PolicyPoint p : d.getPoliciesList()) {
            if (p.getN() > 0) {
                byPoint.computeIfAbsent(String.format(Locale.ROOT, "%.6f/%.6f", p.getCostPer1KRequestsUsd(),
                        p.getQuality()), k -> new ArrayList<>()).add(p);
            }
        }
        for (List<PolicyPoint> group : byPoint.values()) {
            PolicyPoint p = group.get(0);
            String names = esc(String.join(", ", group.stream().map(PolicyPoint::getPolicy).toList()));
            double x = x(p.getCostPer1KRequestsUsd(), xMax);
            double y = y(p.getQuality(), yMax);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"%s\" "
                    + "stroke=\"#2a6\"><title>%s</title></rect><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                    + "fill=\"#2a6\">%s</text>%n", x - 4.5, y - 4.5, p.getPareto() ? "#2a6" : "none", names,
                    x + 7, y + 14, names));
        }
        for (ModelReport m : d.getModelsList()) {
            double q = probeMean(m);
            if (!Double.isFinite(q) || !Double.isFinite(m.getCostPer1KRequestsUsd())) {
                continue;
            }
            double x = x(m.getCostPer1KRequestsUsd(), xMax);
            double y = y(q, yMax);
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"#36c\"><title>%s"
                    + "</title></circle><text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#36c\">%s</text>%n",
                    x, y, esc(m.getModel()), x + 8, y - 6, esc(m.getModel())));
        }
        return s.append("</svg>\n").toString();
    }

    private static double probeMean(ModelReport m) {
        return m.getQualityList().stream().filter(q -> q.getSource().equals("probe")).mapToDouble(QualityEstimate::getMean)
                .findFirst().orElse(Double.NaN);
    }

    private static double x(double cost, double max) {
        return PAD + cost / max * (W - PAD - 20);
    }

    private static double y(double quality, double max) {
        return H - PAD - quality / max * (H - PAD - 20);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** Three decimals, or scientific notation for small magnitudes; '-' when there is no number. */
    public static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        return Math.abs(v) >= 0.01 || v == 0 ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%.2e", v);
    }

    /** {@code s} as HTML text or an attribute value. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
