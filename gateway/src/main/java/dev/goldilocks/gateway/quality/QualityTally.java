package dev.goldilocks.gateway.quality;

/**
 * Count and sum of quality observations in [0, 1], and whether every one was 0 or 1: enough for a mean and
 * its 95% interval ({@link MeanInterval}).
 *
 * @param n      observations
 * @param sum    their sum
 * @param binary true while every observation was exactly 0 or 1
 */
public record QualityTally(long n, double sum, boolean binary) {

    public static final QualityTally EMPTY = new QualityTally(0, 0, true);

    public QualityTally add(double x) {
        return new QualityTally(n + 1, sum + x, binary && (x == 0 || x == 1));
    }

    public QualityTally plus(QualityTally other) {
        return new QualityTally(n + other.n, sum + other.sum, binary && other.binary);
    }

    public double mean() {
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The 95% interval of the mean: Wilson for 0/1 observations, Jeffreys for graded ones; null when n is 0. */
    public MeanInterval interval95() {
        if (n == 0) {
            return null;
        }
        double clamped = Math.max(0, Math.min(n, sum));
        return binary ? MeanInterval.wilson(clamped, n) : MeanInterval.jeffreys(clamped, n);
    }
}
