package dev.goldilocks.gateway.experiments;

import static dev.goldilocks.gateway.decisions.EvaluationText.num;

import dev.goldilocks.proto.v1.ArmSummary;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentEvent;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.ExperimentSegment;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.ListExperimentsResponse;
import dev.goldilocks.proto.v1.MetricComparison;
import dev.goldilocks.proto.v1.SampleRatioCheck;
import dev.goldilocks.proto.v1.TreatmentResult;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/** Experiments in words and tables, as {@code goldilocks experiment} prints them. */
public final class ExperimentText {

    private ExperimentText() {
    }

    /** One experiment's state and definition in a few lines. */
    public static String status(ExperimentStatus x) {
        ExperimentDefinition d = x.getDefinition();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "experiment %s: %s (version %d)%n", d.getName(),
                x.getState(), x.getVersion()));
        s.append("  arms:       ").append(d.getArmsList().stream().map(a -> a.getName() + "=" + a.getPolicy()
                + a.getSettingsMap().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .map(e -> "," + e.getKey() + "=" + e.getValue()).collect(Collectors.joining()))
                .collect(Collectors.joining("  "))).append("  (control: ").append(d.getArms(0).getName()).append(")\n");
        s.append(String.format(Locale.ROOT, "  traffic:    weights %s, %s of eligible units, domains %s, unit: unit_id"
                        + " else API key, without one: %s, salt '%s'%n", d.getWeightsList(), num(d.getTrafficShare()),
                d.getDomainsCount() == 0 ? "all" : String.join(",", d.getDomainsList()), d.getWithoutUnit(), d.getSalt()));
        s.append(String.format(Locale.ROOT, "  reading:    primary %s (margin %s), guardrails %s, alpha %s, planned %d"
                        + " units, at least %d units per arm, judge share %s, auto stop %s%n", d.getPrimaryMetric(),
                num(d.getPrimaryMargin()), d.getGuardrailsCount() == 0 ? "none" : d.getGuardrailsList().stream()
                        .map(g -> g.getMetric() + " within " + num(g.getMargin())).collect(Collectors.joining(", ")),
                num(d.getAlpha()), d.getPlannedUnits(), d.getMinUnitsPerArm(), num(Math.max(0, d.getJudgeShare())),
                d.getAutoStop() ? "on" : "off"));
        if (!x.getShippedArm().isEmpty()) {
            s.append("  shipped:    arm '").append(x.getShippedArm()).append("' routes its units\n");
        }
        for (ExperimentEvent e : x.getEventsList()) {
            s.append(String.format(Locale.ROOT, "  %s %-12s %s%n", Instant.ofEpochMilli(e.getAtMillis()), e.getKind(),
                    e.getDetail()));
        }
        return s.toString();
    }

    /** The list: one line each. */
    public static String list(ListExperimentsResponse r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-28s %-8s %-10s %s%n", "NAME", "STATE",
                "DOMAINS", "ARMS (control first)"));
        for (ExperimentStatus x : r.getExperimentsList()) {
            ExperimentDefinition d = x.getDefinition();
            s.append(String.format(Locale.ROOT, "%-28s %-8s %-10s %s%n", d.getName(), x.getState(),
                    d.getDomainsCount() == 0 ? "all" : String.join(",", d.getDomainsList()), d.getArmsList().stream()
                            .map(a -> a.getName() + "=" + a.getPolicy()).collect(Collectors.joining(" "))));
        }
        return s.append("kept in ").append(r.getStorage()).append('\n').toString();
    }

    /** What a comparison's interval shows, in words: better, worse, ...; a guardrail's state first. */
    public static String reads(MetricComparison c) {
        String finding = switch (c.getFinding()) {
            case "better" -> "better";
            case "worse" -> "worse";
            case "within_margin" -> "no difference beyond the margin";
            default -> "undecided";
        };
        if (c.getMetric().equals("generic_share") && !c.getFinding().equals("undecided")) {
            finding = c.getDifference() > 0 ? "more generic" : "less generic"; // neither better nor worse in itself
        }
        return c.getRole().equals("guardrail") ? "guardrail " + c.getGuardrail() + "; " + finding : finding;
    }

    /** The report: the verdicts first, then every slice's tables. */
    public static String report(ExperimentReportResponse r) {
        StringBuilder s = new StringBuilder(status(r.getExperiment()));
        r.getNotesList().forEach(n -> s.append("note: ").append(n).append('\n'));
        String level = String.format(Locale.ROOT, "always-valid %.0f%%", 100 * r.getLevel());
        for (ExperimentSegment seg : r.getSegmentsList()) {
            SampleRatioCheck srm = seg.getSampleRatio();
            s.append(String.format(Locale.ROOT, "%n== %s: units %s, sample ratio p = %s%s%n",
                    seg.getDomain().isEmpty() ? "every domain" : seg.getDomain(),
                    seg.getArmsList().stream().map(a -> a.getArm() + " " + a.getUnits()).collect(Collectors.joining(", ")),
                    num(srm.getPValue()), srm.getMismatch() ? " MISMATCH: verdicts blocked" : ""));
            for (ArmSummary a : seg.getArmsList()) {
                s.append(String.format(Locale.ROOT, "   %s: %d requests by %s%n", a.getArm(), a.getRequests(),
                        a.getPolicy()));
            }
            for (TreatmentResult t : seg.getTreatmentsList()) {
                s.append(String.format(Locale.ROOT, "%s: %s%n   %s%n", t.getArm(), t.getVerdict().toUpperCase(Locale.ROOT),
                        t.getExplanation()));
                s.append(String.format(Locale.ROOT, "   %-16s %-10s %11s %11s %11s  %-27s %s%n", "metric", "role",
                        "control", t.getArm().length() > 11 ? t.getArm().substring(0, 11) : t.getArm(), "difference",
                        level, "reads"));
                for (MetricComparison c : t.getMetricsList()) {
                    s.append(String.format(Locale.ROOT, "   %-16s %-10s %11s %11s %11s  %-27s %s%n", c.getMetric(),
                            c.getRole(), num(c.getControl()), num(c.getTreatment()), num(c.getDifference()),
                            "[" + num(c.getLow()) + ", " + num(c.getHigh()) + "]", reads(c)));
                }
            }
        }
        return s.toString();
    }
}
