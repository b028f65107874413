package dev.goldilocks.stats.experiment;

import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

import java.util.List;

/**
 * Pearson's chi-squared goodness-of-fit test of the units per arm against the planned weights (as GrowthBook,
 * Optimizely and Statsig run it). A mismatch means assignment or exposure logging is broken, so every metric is
 * suspect; the threshold is small (0.001 by default) because the test is repeated at every look.
 */
public final class SampleRatioTest {

    private final double threshold;

    public SampleRatioTest(double threshold) {
        this.threshold = threshold;
    }

    public SampleRatio test(List<Arm> arms) {
        if (arms.size() < 2) {
            throw new IllegalArgumentException("arms: a sample-ratio test needs at least two arms");
        }
        double totalWeight = arms.stream().mapToDouble(Arm::weight).sum();
        List<Double> shares = arms.stream().map(a -> a.weight() / totalWeight).toList();
        long[] observed = arms.stream().mapToLong(Arm::units).toArray();
        List<Long> counts = arms.stream().map(Arm::units).toList();
        if (counts.stream().mapToLong(Long::longValue).sum() == 0) {
            return new SampleRatio(1, false, counts, shares);
        }
        double[] expected = shares.stream().mapToDouble(Double::doubleValue).toArray();
        double statistic = new ChiSquareTest().chiSquare(expected, observed);
        // the chi-squared upper tail Q(k/2, x/2) directly: precise for tiny p, and without the random generator
        // ChiSquareTest.chiSquareTest seeds on every call (that costs more than the test itself)
        double p = Gamma.regularizedGammaQ((arms.size() - 1) / 2.0, statistic / 2);
        return new SampleRatio(p, p < threshold, counts, shares);
    }
}
