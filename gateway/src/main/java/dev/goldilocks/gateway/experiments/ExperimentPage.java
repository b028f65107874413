package dev.goldilocks.gateway.experiments;

import static dev.goldilocks.gateway.quality.ReportPage.esc;
import static dev.goldilocks.gateway.quality.ReportPage.fmt;

import dev.goldilocks.proto.v1.ArmMetric;
import dev.goldilocks.proto.v1.ArmSummary;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentEvent;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.ExperimentSegment;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.MetricComparison;
import dev.goldilocks.proto.v1.SampleRatioCheck;
import dev.goldilocks.proto.v1.TreatmentResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every experiment's report as one self-contained HTML page (no scripts, nothing fetched): the verdict in a
 * sentence first, then per slice (every domain, then each domain) the sample-ratio check, each arm's metrics with
 * their intervals, each treatment's differences from control with their always-valid intervals, and, for every
 * domain together, charts of how those intervals narrowed over time.
 */
final class ExperimentPage {

    private ExperimentPage() {
    }

    static String html(List<ExperimentReportResponse> reports, String storage) {
        StringBuilder s = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Goldilocks: experiments</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:72em}
                table{border-collapse:collapse;margin:.5em 0 1em}
                td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
                th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
                .verdict{font-size:1.15em;background:#f6f8ff;border-left:4px solid #36c;padding:.5em 1em}
                .blocked{border-left-color:#c33;background:#fff4f4}
                svg{border:1px solid #ddd;background:#fff;margin:.3em .6em .3em 0}
                .state{font-size:.7em;color:#555;border:1px solid #aaa;border-radius:3px;padding:0 .3em}
                </style></head><body>
                <h1>Experiments between routing policies</h1>
                """);
        s.append("<p>Every interval here is an <b>always-valid</b> confidence interval: it may be read as often as you")
                .append(" like while the experiment runs without raising the chance of a false conclusion. Metrics are")
                .append(" per request, computed per randomisation unit (user, API key or request) with the delta method.")
                .append(" Experiments are kept in ").append(esc(storage)).append(".</p>\n");
        if (reports.isEmpty()) {
            s.append("<p>No experiments yet: <code>goldilocks experiment create</code>.</p>\n");
        }
        for (ExperimentReportResponse r : reports) {
            s.append(section(r));
        }
        return s.append("</body></html>\n").toString();
    }

    private static String section(ExperimentReportResponse r) {
        ExperimentStatus x = r.getExperiment();
        ExperimentDefinition d = x.getDefinition();
        StringBuilder s = new StringBuilder();
        s.append("<section id=\"").append(esc(d.getName())).append("\"><h2>").append(esc(d.getName()))
                .append(" <span class=\"state\">").append(esc(x.getState())).append("</span></h2>\n");
        if (r.getSegmentsCount() > 0) {
            ExperimentSegment all = r.getSegments(0);
            for (TreatmentResult t : all.getTreatmentsList()) {
                boolean blocked = t.getVerdict().equals("sample_ratio_mismatch") || t.getVerdict().equals("guardrail_breached");
                s.append("<p class=\"verdict").append(blocked ? " blocked" : "").append("\"><b>")
                        .append(esc(t.getVerdict().replace('_', ' '))).append(":</b> ").append(esc(t.getExplanation()))
                        .append("</p>\n");
            }
        }
        r.getNotesList().forEach(n -> s.append("<p><i>").append(esc(n)).append("</i></p>\n"));
        s.append("<p>").append(definition(d)).append("</p>\n");
        if (x.getEventsCount() > 0) {
            s.append("<details><summary>events</summary><ul>");
            for (ExperimentEvent e : x.getEventsList()) {
                s.append("<li>").append(Instant.ofEpochMilli(e.getAtMillis())).append(' ').append(esc(e.getKind()))
                        .append(": ").append(esc(e.getDetail())).append("</li>");
            }
            s.append("</ul></details>\n");
        }
        for (ExperimentSegment segment : r.getSegmentsList()) {
            s.append(segment(segment, r.getLevel()));
        }
        return s.append("</section>\n").toString();
    }

    private static String definition(ExperimentDefinition d) {
        String arms = d.getArmsList().stream().map(a -> "<b>" + esc(a.getName()) + "</b> " + esc(a.getPolicy())
                + (a.getSettingsMap().isEmpty() ? "" : " " + esc(a.getSettingsMap().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" ")))))
                .collect(Collectors.joining("; "));
        return "Arms (control first): " + arms + ". Weights " + d.getWeightsList() + ", "
                + String.format(Locale.ROOT, "%.0f", 100 * d.getTrafficShare()) + "% of eligible units, domains "
                + (d.getDomainsCount() == 0 ? "all" : esc(String.join(", ", d.getDomainsList())))
                + "; requests without a unit: " + esc(d.getWithoutUnit()) + ". Primary metric <b>"
                + esc(d.getPrimaryMetric()) + "</b> (smallest difference that matters " + fmt(d.getPrimaryMargin())
                + "); guardrails " + (d.getGuardrailsCount() == 0 ? "none" : esc(d.getGuardrailsList().stream()
                .map(g -> g.getMetric() + " within " + fmt(g.getMargin())).collect(Collectors.joining(", "))))
                + "; alpha " + fmt(d.getAlpha()) + ", planned " + d.getPlannedUnits() + " units"
                + (d.getAutoStop() ? ", stops itself when a guardrail is breached" : "") + ".";
    }

    private static String segment(ExperimentSegment seg, double level) {
        StringBuilder s = new StringBuilder("<h3>").append(seg.getDomain().isEmpty() ? "Every domain"
                : "Domain " + esc(seg.getDomain())).append("</h3>\n");
        SampleRatioCheck srm = seg.getSampleRatio();
        s.append("<p>Sample ratio: ").append(srm.getObservedUnitsList().stream().map(String::valueOf)
                        .collect(Collectors.joining(" / "))).append(" units where ")
                .append(srm.getPlannedSharesList().stream().map(p -> String.format(Locale.ROOT, "%.0f%%", 100 * p))
                        .collect(Collectors.joining(" / "))).append(" was planned, p = ").append(fmt(srm.getPValue()))
                .append(srm.getMismatch() ? ": <b>mismatch, every verdict is blocked</b>" : ": OK").append("</p>\n");
        if (seg.getArmsCount() > 0) {
            // metrics as rows, arms as columns: readable with any number of metrics
            s.append("<table><tr><th>per arm</th>");
            seg.getArmsList().forEach(a -> s.append("<th>").append(esc(a.getArm())).append("<br><small>")
                    .append(esc(a.getPolicy())).append("</small></th>"));
            s.append("</tr>\n<tr><td>units / requests</td>");
            seg.getArmsList().forEach(a -> s.append("<td>").append(a.getUnits()).append(" / ").append(a.getRequests())
                    .append("</td>"));
            s.append("</tr>\n");
            for (int m = 0; m < seg.getArms(0).getMetricsCount(); m++) {
                s.append("<tr><td>").append(esc(seg.getArms(0).getMetrics(m).getMetric())).append("</td>");
                for (ArmSummary a : seg.getArmsList()) {
                    ArmMetric metric = a.getMetrics(m);
                    s.append("<td>").append(fmt(metric.getMean())).append(" <small>[").append(fmt(metric.getLow()))
                            .append(", ").append(fmt(metric.getHigh())).append("]</small></td>");
                }
                s.append("</tr>\n");
            }
            s.append("</table>\n");
        }
        for (TreatmentResult t : seg.getTreatmentsList()) {
            s.append("<p><b>").append(esc(t.getArm())).append(" against control</b>: ")
                    .append(esc(t.getVerdict().replace('_', ' '))).append(seg.getDomain().isEmpty() ? ""
                            : ". " + esc(t.getExplanation())).append("</p>\n");
            s.append("<table><tr><th>metric</th><th>role</th><th>control</th><th>").append(esc(t.getArm()))
                    .append("</th><th>difference</th><th>always-valid ")
                    .append(String.format(Locale.ROOT, "%.0f", 100 * level)).append("% interval</th><th>reads</th></tr>\n");
            for (MetricComparison c : t.getMetricsList()) {
                s.append("<tr><td>").append(esc(c.getMetric())).append("</td><td>").append(esc(c.getRole()))
                        .append(c.getMargin() > 0 ? " (margin " + fmt(c.getMargin()) + ")" : "").append("</td><td>")
                        .append(fmt(c.getControl())).append("</td><td>").append(fmt(c.getTreatment())).append("</td><td>")
                        .append(fmt(c.getDifference())).append("</td><td>[").append(fmt(c.getLow())).append(", ")
                        .append(fmt(c.getHigh())).append("]</td><td>").append(esc(ExperimentText.reads(c))).append("</td></tr>\n");
            }
            s.append("</table>\n");
            for (MetricComparison c : t.getMetricsList()) {
                if (c.getHistoryCount() > 0 && !c.getRole().equals("secondary")) {
                    s.append(IntervalChart.svg(t.getArm(), c));
                }
            }
        }
        return s.toString();
    }
}
