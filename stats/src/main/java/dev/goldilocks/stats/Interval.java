package dev.goldilocks.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * A closed interval {@code [lower, upper]}. NaN bounds mean "undefined" (an estimate with no data behind it),
 * and such an interval contains nothing.
 */
public record Interval(double lower, double upper) {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    public Interval {
        if (lower > upper) {
            throw new IllegalArgumentException("interval lower bound " + lower + " is above upper bound " + upper);
        }
    }

    public static Interval around(double centre, double halfWidth) {
        return new Interval(centre - halfWidth, centre + halfWidth);
    }

    /**
     * The two-sided normal-approximation interval {@code centre +- z(1 - (1 - level) / 2) x standardError}: the
     * central limit theorem applied to a mean of independent terms.
     */
    public static Interval normal(double centre, double standardError, double level) {
        return around(centre, standardNormalQuantile(1 - (1 - level) / 2) * standardError);
    }

    public static double standardNormalQuantile(double p) {
        return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }

    public static double standardNormalCdf(double z) {
        return STANDARD_NORMAL.cumulativeProbability(z);
    }

    public boolean contains(double x) {
        return lower <= x && x <= upper;
    }

    /** True when the whole interval lies strictly above {@code x}. */
    public boolean above(double x) {
        return lower > x;
    }

    /** True when the whole interval lies strictly below {@code x}. */
    public boolean below(double x) {
        return upper < x;
    }

    public double width() {
        return upper - lower;
    }

    public Interval negate() {
        return new Interval(-upper, -lower);
    }
}
