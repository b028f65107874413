package dev.goldilocks.stats.experiment;

/**
 * A per-unit metric (one value per randomisation unit, e.g. a user's mean quality) as the sufficient statistics a
 * store can sum in SQL: count, sum and sum of squares. The mean's variance is the sample variance over n.
 */
public record MeanMoments(long units, double sum, double sumOfSquares) implements ArmStatistic {

    public static final MeanMoments EMPTY = new MeanMoments(0, 0, 0);

    public MeanMoments add(double value) {
        return new MeanMoments(units + 1, sum + value, sumOfSquares + value * value);
    }

    public MeanMoments plus(MeanMoments other) {
        return new MeanMoments(units + other.units, sum + other.sum, sumOfSquares + other.sumOfSquares);
    }

    @Override
    public double mean() {
        return units == 0 ? Double.NaN : sum / units;
    }

    /** The unbiased sample variance of the per-unit values. */
    public double variance() {
        if (units < 2) {
            return Double.NaN;
        }
        double mean = mean();
        return Math.max(0, (sumOfSquares - units * mean * mean) / (units - 1));
    }

    @Override
    public double varianceOfMean() {
        return variance() / units;
    }
}
