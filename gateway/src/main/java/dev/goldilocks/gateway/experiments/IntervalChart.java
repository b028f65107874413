package dev.goldilocks.gateway.experiments;

import static dev.goldilocks.gateway.quality.ReportPage.esc;
import static dev.goldilocks.gateway.quality.ReportPage.fmt;

import dev.goldilocks.proto.v1.IntervalPoint;
import dev.goldilocks.proto.v1.MetricComparison;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The always-valid interval of a treatment's difference from control over time, as inline SVG (no scripts,
 * nothing fetched): the interval as a shaded band, the difference as a line, zero as a solid line and the
 * margin, when there is one, as dashed lines on the side it guards.
 */
final class IntervalChart {

    private static final int W = 520;
    private static final int H = 220;
    private static final int LEFT = 70;
    private static final int RIGHT = 16;
    private static final int TOP = 14;
    private static final int BOTTOM = 40;

    private IntervalChart() {
    }

    static String svg(String arm, MetricComparison c) {
        List<IntervalPoint> points = c.getHistoryList().stream()
                .filter(p -> Double.isFinite(p.getLow()) && Double.isFinite(p.getHigh())).toList();
        String label = "difference " + arm + " - control in " + c.getMetric() + " over time";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg role=\"img\" aria-label=\"%s\""
                + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n", esc(label), W, H, W, H));
        if (points.isEmpty()) {
            return s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no interval yet: too few units</text>"
                    + "</svg>%n", LEFT, H / 2)).toString();
        }
        double lo = 0;
        double hi = 0;
        for (IntervalPoint p : points) {
            lo = Math.min(lo, p.getLow());
            hi = Math.max(hi, p.getHigh());
        }
        double margin = c.getMargin();
        // the margin lies on the side where the treatment is worse: below zero when higher is better
        double guarded = c.getBetter().equals("higher") ? -margin : margin;
        if (margin > 0) {
            lo = Math.min(lo, guarded);
            hi = Math.max(hi, guarded);
        }
        double pad = (hi - lo) * 0.08 + 1e-12;
        lo -= pad;
        hi += pad;
        long t0 = points.get(0).getAtMillis();
        long t1 = Math.max(t0 + 1, points.get(points.size() - 1).getAtMillis());
        StringBuilder band = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (IntervalPoint p : points) {
            band.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.getAtMillis(), t0, t1), y(p.getHigh(), lo, hi)));
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.getAtMillis(), t0, t1),
                    y(p.getDifference(), lo, hi)));
        }
        for (int i = points.size() - 1; i >= 0; i--) {
            IntervalPoint p = points.get(i);
            band.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.getAtMillis(), t0, t1), y(p.getLow(), lo, hi)));
        }
        s.append(String.format(Locale.ROOT, "<polygon points=\"%s\" fill=\"#9bd\" fill-opacity=\"0.6\" stroke=\"none\">"
                + "<title>always-valid interval</title></polygon>%n", band.toString().strip()));
        s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#246\" stroke-width=\"2\">"
                + "<title>difference</title></polyline>%n", line.toString().strip()));
        s.append(horizontal(0, lo, hi, "#444", "", "0"));
        if (margin > 0) {
            s.append(horizontal(guarded, lo, hi, "#c33", " stroke-dasharray=\"5,4\"", "margin " + fmt(guarded)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
                LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT, H - BOTTOM + 14,
                esc(Instant.ofEpochMilli(t0).toString()), W - RIGHT, H - BOTTOM + 14,
                esc(Instant.ofEpochMilli(t1).toString() + " (" + points.get(points.size() - 1).getUnits() + " units)")));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT - 4, TOP + 8,
                fmt(hi), LEFT - 4, H - BOTTOM, fmt(lo)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s"
                + "</text>%n", (LEFT + W - RIGHT) / 2, H - 8, esc(c.getMetric() + ": " + arm + " - control ("
                + c.getBetter() + " is better)")));
        return s.append("</svg>\n").toString();
    }

    private static String horizontal(double value, double lo, double hi, String colour, String dash, String label) {
        double y = y(value, lo, hi);
        return String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"%s/>"
                + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" text-anchor=\"end\">%s</text>%n", LEFT, y,
                W - RIGHT, y, colour, dash, W - RIGHT, y - 3, colour, esc(label));
    }

    private static double x(long at, long t0, long t1) {
        return LEFT + (double) (at - t0) / (t1 - t0) * (W - LEFT - RIGHT);
    }

    private static double y(double value, double lo, double hi) {
        return TOP + (hi - value) / (hi - lo) * (H - TOP - BOTTOM);
    }
}
