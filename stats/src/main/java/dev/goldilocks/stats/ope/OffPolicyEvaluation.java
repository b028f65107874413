package dev.goldilocks.stats.ope;

import java.util.List;

/**
 * A target policy scored on a log: what the logging policy got, the IPS, self-normalised IPS and doubly robust
 * estimates of what the target would get, and where the log lacks support for the target.
 *
 * @param logged    the logging policy's own mean outcome
 * @param estimates one estimate per estimator, in the order IPS, SNIPS, DR (DR only when the log carries
 *                  direct-model predictions)
 * @param gaps      actions the target takes that the log cannot speak for; empty when the log supports the target
 */
public record OffPolicyEvaluation(OffPolicyEstimate logged, List<OffPolicyEstimate> estimates,
                                  List<SupportGap> gaps) {

    public OffPolicyEvaluation {
        estimates = List.copyOf(estimates);
        gaps = List.copyOf(gaps);
    }

    public static OffPolicyEvaluation of(List<LoggedDecision> log, double level) {
        List<OffPolicyEstimator> estimators = log.stream().allMatch(d -> !d.predicted().isEmpty())
                ? List.of(new InversePropensityScoring(level), new SelfNormalizedIps(level), new DoublyRobust(level))
                : List.of(new InversePropensityScoring(level), new SelfNormalizedIps(level));
        return new OffPolicyEvaluation(new OnPolicyMean(level).estimate(log),
                estimators.stream().map(e -> e.estimate(log)).toList(), new SupportCheck().gaps(log));
    }

    /** False when the target chooses an action the logging policy never could: the estimates are then biased. */
    public boolean supported() {
        return gaps.stream().noneMatch(g -> g.kind() == SupportGap.Kind.NO_PROPENSITY);
    }
}
