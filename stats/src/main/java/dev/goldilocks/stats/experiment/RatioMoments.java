package dev.goldilocks.stats.experiment;

/**
 * A ratio metric whose analysis unit (the request) is finer than the randomisation unit (the user): cost per
 * request = (sum over units of cost) / (sum over units of requests). Requests of one unit are correlated, so
 * treating them as independent understates the variance; instead each unit contributes a numerator x and a
 * denominator y, and the variance of R = mean(x) / mean(y) comes from the delta method (Deng, Knoblich and Lu
 * 2018, "Applying the Delta Method in Metric Analytics"):
 * Var(R) ~ (s_xx - 2 R s_xy + R^2 s_yy) / (n mean(y)^2), with s the sample (co)variances over units.
 */
public record RatioMoments(long units, double sumNumerator, double sumDenominator, double sumNumeratorSquares,
                           double sumDenominatorSquares, double sumProducts) implements ArmStatistic {

    public static final RatioMoments EMPTY = new RatioMoments(0, 0, 0, 0, 0, 0);

    /** Adds one unit's totals, e.g. its summed cost and its number of requests. */
    public RatioMoments add(double numerator, double denominator) {
        return new RatioMoments(units + 1, sumNumerator + numerator, sumDenominator + denominator,
                sumNumeratorSquares + numerator * numerator, sumDenominatorSquares + denominator * denominator,
                sumProducts + numerator * denominator);
    }

    @Override
    public double mean() {
        return sumDenominator == 0 ? Double.NaN : sumNumerator / sumDenominator;
    }

    @Override
    public double varianceOfMean() {
        if (units < 2 || sumDenominator == 0) {
            return Double.NaN;
        }
        double n = units;
        double meanX = sumNumerator / n;
        double meanY = sumDenominator / n;
        double sxx = (sumNumeratorSquares - n * meanX * meanX) / (n - 1);
        double syy = (sumDenominatorSquares - n * meanY * meanY) / (n - 1);
        double sxy = (sumProducts - n * meanX * meanY) / (n - 1);
        double r = meanX / meanY;
        return Math.max(0, (sxx - 2 * r * sxy + r * r * syy) / (n * meanY * meanY));
    }
}
