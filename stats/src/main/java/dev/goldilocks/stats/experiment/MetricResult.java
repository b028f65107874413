package dev.goldilocks.stats.experiment;

import dev.goldilocks.stats.Interval;

/**
 * One metric compared between a treatment arm and control.
 *
 * @param metric     the metric
 * @param control    control's estimate
 * @param treatment  the treatment's estimate
 * @param difference treatment - control
 * @param interval   the always-valid interval of the difference
 */
public record MetricResult(MetricSpec metric, double control, double treatment, double difference,
                           Interval interval) {

    /** What the primary metric says. */
    public enum Finding { BETTER, WORSE, WITHIN_MARGIN, UNDECIDED }

    /** What a guardrail says. */
    public enum GuardrailStatus { HELD, BREACHED, PENDING }

    public Finding finding() {
        Interval gain = metric.direction().improvement(interval);
        if (gain.above(0)) {
            return Finding.BETTER;
        }
        if (gain.below(0)) {
            return Finding.WORSE;
        }
        double m = metric.margin();
        return m > 0 && gain.above(-m) && gain.below(m) ? Finding.WITHIN_MARGIN : Finding.UNDECIDED;
    }

    /**
     * The non-inferiority test: held when the interval shows the treatment no worse than the margin, breached when
     * it shows it worse by more than the margin, pending otherwise.
     */
    public GuardrailStatus nonInferiority() {
        Interval gain = metric.direction().improvement(interval);
        if (gain.above(-metric.margin())) {
            return GuardrailStatus.HELD;
        }
        if (gain.below(-metric.margin())) {
            return GuardrailStatus.BREACHED;
        }
        return GuardrailStatus.PENDING;
    }
}
