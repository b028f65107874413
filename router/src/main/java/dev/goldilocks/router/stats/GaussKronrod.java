package dev.goldilocks.router.stats;

import java.util.function.DoubleUnaryOperator;

/**
 * Adaptive 7-point Gauss / 15-point Kronrod quadrature (QUADPACK's QK15 rule, bisected where the two rules
 * disagree by more than the tolerance). Commons Math's integrators refine the whole interval at once; this one refines only where the
 * integrand needs it, which is what a peaked density calls for.
 */
final class GaussKronrod {

    /** Kronrod abscissae on [-1, 1], from the outside in; the odd ones are the Gauss abscissae. */
    private static final double[] XGK = {
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0};
    private static final double[] WGK = {
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
    /** Gauss weights of XGK[1], XGK[3], XGK[5] and the centre. */
    private static final double[] WG = {
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
        0.381830050505118944950369775488975, 0.417959183673469387755102040816327};
    private static final int MAX_DEPTH = 40;

    private GaussKronrod() {
    }

    /**
     * The integral of {@code f} over [a, b], to an absolute error of about {@code tolerance}. The rule never
     * evaluates {@code f} at a or b, so an integrand may be undefined there.
     */
    static double integrate(DoubleUnaryOperator f, double a, double b, double tolerance) {
        return adapt(f, a, b, tolerance, 0);
    }

    private static double adapt(DoubleUnaryOperator f, double a, double b, double tolerance, int depth) {
        double centre = (a + b) / 2;
        double half = (b - a) / 2;
        double fc = f.applyAsDouble(centre);
        double kronrod = WGK[7] * fc;
        double gauss = WG[3] * fc;
        for (int i = 0; i < 7; i++) {
            double dx = half * XGK[i];
            double pair = f.applyAsDouble(centre - dx) + f.applyAsDouble(centre + dx);
            kronrod += WGK[i] * pair;
            if (i % 2 == 1) {
                gauss += WG[i / 2] * pair;
            }
        }
        kronrod *= half;
        gauss *= half;
        double error = Math.abs(kronrod - gauss);
        if (error <= tolerance || depth == MAX_DEPTH) {
            return kronrod;
        }
        return adapt(f, a, centre, tolerance / 2, depth + 1) + adapt(f, centre, b, tolerance / 2, depth + 1);
    }
}
