package dev.goldilocks.gateway.quality;

/**
 * Count, sum and sum of squares of quality observations: enough for a mean and its 95% interval.
 *
 * @param n     observations
 * @param sum   their sum
 * @param sumSq the sum of their squares
 */
public record QualityTally(long n, double sum, double sumSq) {

    public static final QualityTally EMPTY = new QualityTally(0, 0, 0);

    public QualityTally add(double x) {
        return new QualityTally(n + 1, sum + x, sumSq + x * x);
    }

    public double mean() {
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Half-width of the normal-approximation 95% interval of the mean (NaN below two observations). */
    public double halfWidth95() {
        if (n < 2) {
            return Double.NaN;
        }
        double variance = Math.max(0, (sumSq - sum * sum / n) / (n - 1));
        return 1.96 * Math.sqrt(variance / n);
    }
}
