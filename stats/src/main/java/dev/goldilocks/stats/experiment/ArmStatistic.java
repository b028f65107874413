package dev.goldilocks.stats.experiment;

/** One arm's estimate of a metric from its randomisation units, with the variance of that estimate. */
public interface ArmStatistic {

    /** Units (the randomisation unit: user, session, API key) the estimate is made of. */
    long units();

    double mean();

    /** Variance of {@link #mean()} across repetitions of the experiment. */
    double varianceOfMean();
}
