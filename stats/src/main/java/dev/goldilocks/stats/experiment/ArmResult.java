package dev.goldilocks.stats.experiment;

import java.util.List;

/**
 * A treatment arm against control.
 *
 * @param arm         the treatment arm
 * @param verdict     what it says now
 * @param explanation the verdict in one sentence a product manager understands
 * @param primary     the primary metric
 * @param guardrails  each guardrail
 */
public record ArmResult(String arm, Verdict verdict, String explanation, MetricResult primary,
                        List<MetricResult> guardrails) {

    public ArmResult {
        guardrails = List.copyOf(guardrails);
    }
}
