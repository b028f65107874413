package dev.goldilocks.stats.experiment;

import dev.goldilocks.stats.Interval;

/**
 * The asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas (2023, "Time-uniform
 * central limit theory and asymptotic confidence sequences", eq. 9), with the Gaussian-mixture boundary of Howard,
 * Ramdas, McAuliffe and Sekhon (2021), as GrowthBook documents it. For an estimate with standard error se after N
 * units (both arms together):
 *
 * <pre>
 *   estimate +- se x sqrt( 2 (N rho^2 + 1) / (N rho^2) x log( sqrt(N rho^2 + 1) / alpha ) )
 *   rho^2 = ( -2 log alpha + log(1 - 2 log alpha) ) / N*
 * </pre>
 *
 * The intervals cover the true difference at every N simultaneously with probability at least 1 - alpha
 * (asymptotically), so they may be read after every batch. N* (the tuning size) is where they are narrowest
 * relative to a fixed-horizon interval: set it to the size at which a decision is expected.
 */
public final class ConfidenceSequence {

    private final double alpha;
    private final double rhoSquared;

    public ConfidenceSequence(double alpha, double tuningUnits) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha: must be in (0, 1), got " + alpha);
        }
        if (!(tuningUnits > 0)) {
            throw new IllegalArgumentException("tuningUnits: must be positive, got " + tuningUnits);
        }
        this.alpha = alpha;
        double logAlpha = Math.log(alpha);
        this.rhoSquared = (-2 * logAlpha + Math.log(1 - 2 * logAlpha)) / tuningUnits;
    }

    /** The always-valid interval of {@code estimate}, whose standard error is {@code standardError}, at N units. */
    public Interval interval(double estimate, double standardError, long units) {
        return Interval.around(estimate, standardError * criticalValue(units));
    }

    /**
     * The multiple of the standard error the half-width is at N units: the sequential counterpart of
     * z(1 - alpha / 2) = 1.96, and larger than it at every N.
     */
    public double criticalValue(long units) {
        double nRho = units * rhoSquared;
        return Math.sqrt(2 * (nRho + 1) / nRho * Math.log(Math.sqrt(nRho + 1) / alpha));
    }
}
