package dev.goldilocks.gateway.quality;

import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * The 95% interval of a mean of quality observations in [0, 1], which neither collapses to a point at a
 * mean of 0 or 1 (as the normal-approximation interval does) nor leaves [0, 1].
 * <ul>
 *   <li>0/1 observations (exact match, shadow wins without ties, thumbs-up feedback): the Wilson score interval.
 *   <li>graded observations (chrF, shadow ties at 0.5, graded feedback): the Jeffreys interval, the 2.5% and
 *       97.5% quantiles of Beta(sum + 1/2, n - sum + 1/2), each observation counted as a fractional success.
 *       A variable in [0, 1] with mean m has variance at most m(1 - m), so this is conservative (never
 *       narrower than the spread of the scores warrants).
 * </ul>
 *
 * @param low  the lower bound
 * @param high the upper bound
 */
public record MeanInterval(double low, double high) {

    private static final double Z = 1.959963984540054;

    /** The Wilson score interval of {@code successes} out of {@code n}. */
    public static MeanInterval wilson(double successes, long n) {
        double p = successes / n;
        double z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new MeanInterval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** The Jeffreys interval of a sum of {@code n} observations in [0, 1]. */
    public static MeanInterval jeffreys(double sum, long n) {
        BetaDistribution posterior = new BetaDistribution(null, sum + 0.5, n - sum + 0.5);
        return new MeanInterval(posterior.inverseCumulativeProbability(0.025),
                posterior.inverseCumulativeProbability(0.975));
    }
}
