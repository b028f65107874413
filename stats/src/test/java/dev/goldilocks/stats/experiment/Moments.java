package dev.goldilocks.stats.experiment;

/** Sufficient statistics of a sample with a given size, mean and standard deviation, for tests. */
final class Moments {

    private Moments() {
    }

    static MeanMoments of(long units, double mean, double standardDeviation) {
        return new MeanMoments(units, units * mean,
                (units - 1) * standardDeviation * standardDeviation + units * mean * mean);
    }
}
