package dev.goldilocks.gateway.decisions;

import dev.goldilocks.proto.v1.DomainEvaluation;
import dev.goldilocks.proto.v1.Estimate;
import dev.goldilocks.proto.v1.EvaluateResponse;
import dev.goldilocks.proto.v1.MetricEvaluation;
import java.time.Instant;
import java.util.Locale;

/** An off-policy evaluation in words and tables, for people. */
public final class EvaluationText {

    private EvaluationText() {
    }

    /** The evaluation as `goldilocks evaluate` prints it: per domain, each metric's estimates in a table. */
    public static String of(EvaluateResponse r) {
        StringBuilder s = new StringBuilder();
        StringBuilder settings = new StringBuilder();
        r.getSettingsMap().forEach((k, v) -> settings.append(' ').append(k).append('=').append(v));
        s.append(String.format(Locale.ROOT, "target: %s%s (settings hash %s)%nlog: decisions from %s to %s: %d read,"
                        + " %d pinned (probes, shadow runs, pinned requests) and %d not answered OK left out%n",
                r.getPolicy(), settings, r.getSettingsHash(), Instant.ofEpochMilli(r.getSinceMillis()),
                Instant.ofEpochMilli(r.getUntilMillis()), r.getRecordsRead(), r.getRecordsPinned(),
                r.getRecordsFailed()));
        if (r.getDomainsCount() == 0) {
            s.append("no decisions of a routing policy in this window: nothing to evaluate\n");
        }
        String level = String.format(Locale.ROOT, "%.0f%% interval", 100 * r.getLevel());
        for (DomainEvaluation d : r.getDomainsList()) {
            s.append(String.format(Locale.ROOT, "%n== %s: %d decisions, logged by %s%n", d.getDomain(), d.getRecords(),
                    d.getLoggingPoliciesMap()));
            s.append(String.format(Locale.ROOT, "%-16s %-9s %12s  %-27s %8s %7s%n", "metric", "estimator", "value",
                    level, "ESS", "n"));
            for (MetricEvaluation m : d.getMetricsList()) {
                s.append(row(m.getMetric(), m.getLogged()));
                for (Estimate e : m.getEstimatesList()) {
                    s.append(row("", e));
                }
            }
            s.append(d.getSupported() ? "support: every model the target chooses was tried by the logging policy\n"
                    : "support: MISSING, the estimates above cannot be trusted\n");
            d.getSupportGapsList().forEach(g -> s.append("  ").append(g).append('\n'));
            d.getWarningsList().forEach(w -> s.append("warning: ").append(w).append('\n'));
        }
        return s.toString();
    }

    private static String row(String metric, Estimate e) {
        return String.format(Locale.ROOT, "%-16s %-9s %12s  %-27s %8.1f %7d%n", metric, e.getEstimator(),
                num(e.getValue()), "[" + num(e.getLow()) + ", " + num(e.getHigh()) + "]", e.getEffectiveSampleSize(),
                e.getRecords());
    }

    /** A figure for a table: four decimals, three significant digits when small, n/a when unknown. */
    public static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Math.abs(v) >= 0.01 || v == 0 ? String.format(Locale.ROOT, "%.4f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }
}
