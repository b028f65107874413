package dev.goldilocks.stats.experiment;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Each verdict in one sentence a product manager understands, with the numbers that support it. */
final class Explanation {

    private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_EVEN);

    private final String level;

    Explanation(double confidence) {
        this.level = String.format(Locale.ROOT, "%.0f%%", 100 * confidence);
    }

    String sampleRatioMismatch(SampleRatio s) {
        String observed = s.observed().stream().map(String::valueOf).collect(Collectors.joining(" / "));
        String planned = s.expected().stream().map(e -> String.format(Locale.ROOT, "%.0f%%", 100 * e))
                .collect(Collectors.joining(" / "));
        return "Results are blocked: the arms received " + observed + " units where " + planned
                + " was planned (sample-ratio test p = " + number(s.pValue())
                + "), so assignment or exposure logging is broken and no metric can be trusted until it is fixed.";
    }

    String collecting(String arm, long treatmentUnits, long controlUnits, long needed) {
        return "Still collecting: '" + arm + "' has " + treatmentUnits + " units and control " + controlUnits
                + ", and a reading needs at least " + needed + " in each.";
    }

    String guardrailBreached(String arm, MetricResult g) {
        return "'" + arm + "' is worse than control on " + g.metric().name() + " by more than the allowed "
                + number(g.metric().margin()) + " (" + comparison(g) + "), so its traffic should go back to control.";
    }

    String better(String arm, MetricResult p) {
        return "'" + arm + "' is better than control on " + p.metric().name() + " (" + comparison(p)
                + ") and no guardrail is worse than its margin, so it can replace control.";
    }

    String worse(String arm, MetricResult p) {
        return "'" + arm + "' is worse than control on " + p.metric().name() + " (" + comparison(p)
                + "), so keep control.";
    }

    String noDifference(String arm, MetricResult p) {
        return "'" + arm + "' and control differ on " + p.metric().name() + " by less than "
                + number(p.metric().margin()) + ", the smallest difference that matters (" + comparison(p)
                + "), so choose between them on other grounds such as cost.";
    }

    String running(String arm, MetricResult p, List<MetricResult> guardrails) {
        List<String> pending = guardrails.stream()
                .filter(g -> g.nonInferiority() != MetricResult.GuardrailStatus.HELD)
                .map(g -> g.metric().name()).toList();
        if (p.finding() == MetricResult.Finding.BETTER && !pending.isEmpty()) {
            return "'" + arm + "' looks better on " + p.metric().name() + " (" + comparison(p)
                    + "), but " + String.join(" and ", pending) + (pending.size() == 1 ? " is" : " are")
                    + " not yet shown to be within " + (pending.size() == 1 ? "its margin" : "their margins")
                    + ", so keep it running.";
        }
        return "No conclusion yet on " + p.metric().name() + " for '" + arm + "' (" + comparison(p)
                + "); keep it running: these intervals stay valid however often you look.";
    }

    private String comparison(MetricResult m) {
        return number(m.treatment()) + " against " + number(m.control()) + ", difference "
                + number(m.difference()) + ", always-valid " + level + " interval " + number(m.interval().lower())
                + " to " + number(m.interval().upper());
    }

    /** Three significant digits, never in exponent notation (a reader should not meet "6.33e-05"). */
    static String number(double x) {
        if (!Double.isFinite(x)) {
            return String.valueOf(x);
        }
        return BigDecimal.valueOf(x).round(THREE_DIGITS).stripTrailingZeros().toPlainString();
    }
}
