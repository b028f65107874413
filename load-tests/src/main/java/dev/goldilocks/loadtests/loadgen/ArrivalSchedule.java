package dev.goldilocks.loadtests.loadgen;

import java.util.Arrays;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * When each request of an open-loop run is meant to be sent, as offsets from the run's start, drawn before
 * the run begins so that nothing the server does can move them. Inter-arrival times are gamma distributed
 * with mean 1/rate and coefficient of variation {@code cv}: cv 1 is the exponential, so arrivals form a
 * Poisson process; cv above 1 is burstier, below 1 more regular (as vLLM's benchmark's burstiness, which
 * is 1/cv^2, the gamma shape).
 */
public final class ArrivalSchedule {

    private final long[] offsetsNanos;
    private final double ratePerSecond;
    private final double cv;

    private ArrivalSchedule(long[] offsetsNanos, double ratePerSecond, double cv) {
        this.offsetsNanos = offsetsNanos;
        this.ratePerSecond = ratePerSecond;
        this.cv = cv;
    }

    /** A Poisson process: exponential inter-arrival times. */
    public static ArrivalSchedule poisson(double ratePerSecond, double durationSeconds, int maxRequests, long seed) {
        return gamma(ratePerSecond, 1, durationSeconds, maxRequests, seed);
    }

    /**
     * Arrivals at {@code ratePerSecond} on average, with gamma inter-arrival times of coefficient of variation
     * {@code cv}, for at most {@code durationSeconds} and {@code maxRequests}, whichever comes first. The same
     * seed gives the same schedule.
     */
    public static ArrivalSchedule gamma(double ratePerSecond, double cv, double durationSeconds, int maxRequests,
                                        long seed) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate: must be a positive number of requests per second, got " + ratePerSecond);
        }
        if (!(cv > 0) || Double.isInfinite(cv)) {
            throw new IllegalArgumentException("cv: must be positive, got " + cv);
        }
        if (!(durationSeconds > 0) || maxRequests < 1) {
            throw new IllegalArgumentException("a run needs a positive duration and at least one request");
        }
        double shape = 1 / (cv * cv);
        double meanSeconds = 1 / ratePerSecond;
        GammaDistribution gaps = new GammaDistribution(new Well19937c(seed), shape, meanSeconds / shape);
        long limit = Math.round(durationSeconds * 1e9);
        long[] offsets = new long[Math.min(maxRequests, 1024)];
        int n = 0;
        double t = 0;
        while (n < maxRequests) {
            t += gaps.sample();
            long at = Math.round(t * 1e9);
            if (at >= limit) {
                break;
            }
            if (n == offsets.length) {
                offsets = Arrays.copyOf(offsets, (int) Math.min(maxRequests, 2L * offsets.length));
            }
            offsets[n++] = at;
        }
        return new ArrivalSchedule(Arrays.copyOf(offsets, n), ratePerSecond, cv);
    }

    /** Requests in the schedule. */
    public int size() {
        return offsetsNanos.length;
    }

    /** When request {@code i} is meant to be sent, in nanoseconds after the start; non-decreasing in i. */
    public long offsetNanos(int i) {
        return offsetsNanos[i];
    }

    /** The mean rate the schedule was drawn at. */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** The inter-arrival times' coefficient of variation it was drawn with (1: Poisson). */
    public double cv() {
        return cv;
    }
}
