package dev.goldilocks.router.stats;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.DoubleStream;
import org.apache.commons.math3.special.Beta;

/**
 * The exact probability that each candidate wins one Thompson draw on the utility, so that the bandit logs the
 * true propensity of its choice instead of an estimate from a few hundred draws.
 *
 * <p>Candidate j's sampled utility is U_j = Q_j - c_j with Q_j ~ Beta(alpha_j, beta_j) and a fixed penalty c_j
 * (lambda x cost + mu x latency). It wins when every other U_i is lower, so
 * <pre>
 *   P(j wins) = integral over [0, 1] of f_j(q) x prod_{i != j} F_i(q - c_j + c_i) dq
 * </pre>
 * with f and F the Beta density and distribution function (ties have probability 0). The integral is cut into
 * pieces where the integrand changes fast (around the density's mean, and where each other candidate's
 * distribution function rises). The product of distribution functions rises with q, so a piece where it barely
 * moves, or where the density has almost no mass, is bracketed from the two ends alone; the others are taken by
 * adaptive Gauss-Kronrod quadrature, with a change of variable on the two end pieces that removes the density's
 * singularity at 0 or 1 when alpha or beta is below 1. The absolute error is below 1e-7 on every case the
 * tests check against closed forms (shapes from 0.001 to 10,000, penalties either side).
 */
public final class ThompsonWinProbability {

    /** Absolute error allowed to each piece's quadrature. */
    private static final double PIECE_TOLERANCE = 1e-9;
    /** Relative accuracy of the distribution function's continued fraction (Commons Math's default is 1e-14). */
    private static final double CDF_EPSILON = 1e-12;
    /** Cuts closer than this to 0 or 1 stand for the end itself. */
    private static final double EDGE = 1e-12;
    /** The first rung of a ladder of cuts, in standard deviations, and the ratio of each rung to the one before. */
    private static final double LADDER_FIRST = 3;
    private static final double LADDER_RATIO = 3;

    private ThompsonWinProbability() {
    }

    /**
     * @param alpha   each candidate's Beta alpha (&gt; 0)
     * @param beta    each candidate's Beta beta (&gt; 0)
     * @param penalty each candidate's fixed utility penalty c_j
     * @return each candidate's probability of drawing the highest utility, summing to 1
     */
    public static double[] of(double[] alpha, double[] beta, double[] penalty) {
        int k = alpha.length;
        if (beta.length != k || penalty.length != k || k == 0) {
            throw new IllegalArgumentException("one alpha, beta and penalty per candidate, and at least one candidate");
        }
        BetaLaw[] laws = new BetaLaw[k];
        for (int j = 0; j < k; j++) {
            laws[j] = new BetaLaw(alpha[j], beta[j]);
        }
        // the widest candidate's share is what the others leave (ties have probability 0): one integral fewer,
        // and the one left out is the one whose density would need the most pieces
        int widest = 0;
        for (int j = 1; j < k; j++) {
            widest = laws[j].sd > laws[widest].sd ? j : widest;
        }
        double[] p = new double[k];
        double others = 0;
        for (int j = 0; j < k; j++) {
            if (j != widest) {
                p[j] = Math.min(1, Math.max(0, winProbability(j, laws, penalty)));
                others += p[j];
            }
        }
        p[widest] = Math.max(0, 1 - others);
        if (others > 1) {
            for (int j = 0; j < k; j++) {
                p[j] /= others;
            }
        }
        return p;
    }

    private static double winProbability(int j, BetaLaw[] laws, double[] penalty) {
        BetaLaw law = laws[j];
        DoubleUnaryOperator othersBelow = q -> {
            double product = 1;
            for (int i = 0; i < laws.length && product > 0; i++) {
                if (i != j) {
                    product *= laws[i].cdf(q - penalty[j] + penalty[i]);
                }
            }
            return product;
        };
        double[] cuts = cuts(j, laws, penalty);
        double total = 0;
        double massBelow = 0;
        double othersAtFrom = othersBelow.applyAsDouble(0);
        for (int piece = 0; piece + 1 < cuts.length; piece++) {
            double from = cuts[piece];
            double to = cuts[piece + 1];
            double massBelowTo = law.cdf(to);
            double othersAtTo = othersBelow.applyAsDouble(to);
            double mass = massBelowTo - massBelow;
            // the product of distribution functions rises with q, so on this piece the integral lies between
            // mass x its value at either end: where that bracket is narrow, its middle is the answer
            if (mass * (othersAtTo - othersAtFrom) <= 2 * PIECE_TOLERANCE) {
                total += mass * (othersAtFrom + othersAtTo) / 2;
            } else if (piece == 0) {
                total += GaussKronrod.integrate(t -> law.fromZero(to, t, othersBelow), 0, 1, PIECE_TOLERANCE);
            } else if (piece + 2 == cuts.length) {
                total += GaussKronrod.integrate(t -> law.toOne(from, t, othersBelow), 0, 1, PIECE_TOLERANCE);
            } else {
                total += GaussKronrod.integrate(q -> law.density(q) * othersBelow.applyAsDouble(q), from, to,
                        PIECE_TOLERANCE);
            }
            massBelow = massBelowTo;
            othersAtFrom = othersAtTo;
        }
        return total;
    }

    /**
     * 0, 1 and the points inside where the integrand may change fast, so that no feature hides between two
     * quadrature nodes: a ladder around candidate j's mean and around each other candidate's rise (its mean,
     * shifted by the penalties) at 0, 3, 9, 27, ... standard deviations either side, so that each piece is
     * about as long as its distance from the feature, and where each other candidate's distribution function
     * starts and ends; cuts closer together than half the narrowest standard deviation are merged. There are
     * always at least two pieces, so that each end piece has one end inside (0, 1).
     */
    private static double[] cuts(int j, BetaLaw[] laws, double[] penalty) {
        DoubleStream.Builder points = DoubleStream.builder();
        ladder(points, laws[j].mean, laws[j].sd);
        for (int i = 0; i < laws.length; i++) {
            if (i != j) {
                double shift = penalty[j] - penalty[i];
                ladder(points, laws[i].mean + shift, laws[i].sd);
                points.add(shift);
                points.add(1 + shift);
            }
        }
        // cuts closer than half the narrowest standard deviation bound no feature the other does not; a cut near
        // 0 or 1 stays, since a short end piece is where the density's singularity is cheapest to integrate
        double gap = Arrays.stream(laws).mapToDouble(law -> law.sd).min().orElseThrow() / 2;
        double[] inside = points.build().filter(x -> x > EDGE && x < 1 - EDGE).sorted().toArray();
        double[] cuts = new double[inside.length + 2];
        int m = 1;
        for (double x : inside) {
            if (x - cuts[m - 1] > (m == 1 ? EDGE : gap)) {
                cuts[m++] = x;
            }
        }
        cuts[m++] = 1;
        return m > 2 ? Arrays.copyOf(cuts, m) : new double[] {0, 0.5, 1};
    }

    private static void ladder(DoubleStream.Builder points, double centre, double sd) {
        points.add(centre);
        for (double step = LADDER_FIRST * sd; step < 1; step *= LADDER_RATIO) {
            points.add(centre - step);
            points.add(centre + step);
        }
    }

    /** A Beta distribution with what the quadrature needs of it. */
    private static final class BetaLaw {
        final double alpha;
        final double beta;
        final double logB;
        final double mean;
        final double sd;

        BetaLaw(double alpha, double beta) {
            if (!(alpha > 0 && beta > 0) || Double.isInfinite(alpha) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("Beta parameters must be positive and finite, got " + alpha
                        + ", " + beta);
            }
            this.alpha = alpha;
            this.beta = beta;
            this.logB = Beta.logBeta(alpha, beta);
            this.mean = alpha / (alpha + beta);
            this.sd = Math.sqrt(alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1)));
        }

        double cdf(double x) {
            return x <= 0 ? 0 : x >= 1 ? 1 : Beta.regularizedBeta(x, alpha, beta, CDF_EPSILON);
        }

        double density(double q) {
            return Math.exp((alpha - 1) * Math.log(q) + (beta - 1) * Math.log1p(-q) - logB);
        }

        /**
         * The integrand over [0, m] in t = (q / m)^a, a = min(alpha, 1), t in (0, 1]: q^(alpha - 1) dq becomes
         * m^alpha t^((alpha - a) / a) dt / a, bounded where the density itself is not.
         */
        double fromZero(double m, double t, DoubleUnaryOperator g) {
            double a = Math.min(alpha, 1);
            double q = m * Math.pow(t, 1 / a);
            double logW = alpha * Math.log(m) + (alpha - a) / a * Math.log(t) + (beta - 1) * Math.log1p(-q) - logB
                    - Math.log(a);
            return Math.exp(logW) * g.applyAsDouble(q);
        }

        /** The mirror of {@link #fromZero} over [m, 1], in t = ((1 - q) / (1 - m))^b, b = min(beta, 1). */
        double toOne(double m, double t, DoubleUnaryOperator g) {
            double b = Math.min(beta, 1);
            double u = (1 - m) * Math.pow(t, 1 / b);
            double logW = beta * Math.log(1 - m) + (beta - b) / b * Math.log(t) + (alpha - 1) * Math.log1p(-u)
                    - logB - Math.log(b);
            return Math.exp(logW) * g.applyAsDouble(1 - u);
        }
    }
}
