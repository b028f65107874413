package dev.goldilocks.stats.experiment;

import dev.goldilocks.stats.Interval;

/**
 * Sample size and power of a two-arm comparison read with a {@link ConfidenceSequence}. The power at N units is the
 * probability that the always-valid interval at N excludes 0 when the true difference is the minimum detectable
 * effect (normal approximation, as GrowthBook's calculator does for its sequential mode):
 *
 * <pre>
 *   power(N) = Phi(effect / se(N) - c(N)) + Phi(-effect / se(N) - c(N)),   se(N) = sd sqrt(1 / (N p) + 1 / (N (1 - p)))
 * </pre>
 *
 * with c(N) the sequence's critical value and p the treatment's share. Looking earlier can only add detections, so
 * the chance of a verdict by N is at least this.
 */
public final class PowerAnalysis {

    private static final long MAX_UNITS = 1L << 40;

    private final double alpha;

    public PowerAnalysis(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha: must be in (0, 1), got " + alpha);
        }
        this.alpha = alpha;
    }

    /** The power at {@code totalUnits} against a true difference of {@code effect}. */
    public double power(long totalUnits, double effect, double unitStandardDeviation, double treatmentShare,
                        ConfidenceSequence sequence) {
        double se = standardError(totalUnits, unitStandardDeviation, treatmentShare);
        double c = sequence.criticalValue(totalUnits);
        double z = Math.abs(effect) / se;
        return Interval.standardNormalCdf(z - c) + Interval.standardNormalCdf(-z - c);
    }

    /** The smallest difference detected with probability {@code power} at {@code totalUnits}. */
    public double minimumDetectableEffect(long totalUnits, double power, double unitStandardDeviation,
                                          double treatmentShare, ConfidenceSequence sequence) {
        return standardError(totalUnits, unitStandardDeviation, treatmentShare)
                * (sequence.criticalValue(totalUnits) + Interval.standardNormalQuantile(power));
    }

    /** The fewest total units with at least {@code power} against {@code effect}. */
    public long unitsFor(double power, double effect, double unitStandardDeviation, double treatmentShare,
                         ConfidenceSequence sequence) {
        requireShare(treatmentShare);
        long high = 4;
        while (power(high, effect, unitStandardDeviation, treatmentShare, sequence) < power) {
            high *= 2;
            if (high > MAX_UNITS) {
                throw new IllegalArgumentException("effect: " + effect + " is too small to detect with "
                        + MAX_UNITS + " units");
            }
        }
        long low = high / 2;
        // power(N) increases with N past the first few units: se shrinks as 1/sqrt(N), c(N) grows as sqrt(log N)
        while (high - low > 1) {
            long mid = low + (high - low) / 2;
            if (power(mid, effect, unitStandardDeviation, treatmentShare, sequence) >= power) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return high;
    }

    /**
     * The plan for an experiment: total units for {@code power} against {@code effect}, with the sequence tuned to
     * that size (N* = N, found by fixed-point iteration), and the fixed-horizon size for comparison.
     */
    public SamplePlan plan(double effect, double unitStandardDeviation, double treatmentShare, double power) {
        long fixed = fixedHorizonUnits(power, effect, unitStandardDeviation, treatmentShare);
        long tuning = fixed;
        long units = fixed;
        for (int i = 0; i < 20; i++) {
            units = unitsFor(power, effect, unitStandardDeviation, treatmentShare,
                    new ConfidenceSequence(alpha, tuning));
            if (Math.abs(units - tuning) <= Math.max(1, tuning / 1000)) {
                break;
            }
            tuning = units;
        }
        return new SamplePlan(units, tuning, fixed, power, effect);
    }

    /** What a single look at a fixed horizon would need: (z(1 - alpha / 2) + z(power))^2 x sd^2 (1/p + 1/(1-p)) / effect^2. */
    public long fixedHorizonUnits(double power, double effect, double unitStandardDeviation, double treatmentShare) {
        requireShare(treatmentShare);
        double z = Interval.standardNormalQuantile(1 - alpha / 2) + Interval.standardNormalQuantile(power);
        double perUnit = 1 / treatmentShare + 1 / (1 - treatmentShare);
        return (long) Math.ceil(z * z * unitStandardDeviation * unitStandardDeviation * perUnit / (effect * effect));
    }

    private static double standardError(long totalUnits, double sd, double treatmentShare) {
        return sd * Math.sqrt(1 / (totalUnits * treatmentShare) + 1 / (totalUnits * (1 - treatmentShare)));
    }

    private static void requireShare(double treatmentShare) {
        if (!(treatmentShare > 0 && treatmentShare < 1)) {
            throw new IllegalArgumentException("treatmentShare: must be in (0, 1), got " + treatmentShare);
        }
    }
}
