package dev.goldilocks.loadtests.loadgen;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as SVG by hand (no library, no network): axes with ticks, one polyline with point
 * markers per series, a legend. The y axis may be logarithmic, for latencies that span decades.
 */
final class SvgLineChart {

    /** One line: points in data units (x ascending); dashed lines for secondary series. */
    record Series(String name, String color, boolean dashed, List<double[]> points) {
    }

    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final int LEGEND_LINE = 16;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();
    private boolean identityGuide;

    SvgLineChart(String title, String xLabel, String yLabel, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logY = logY;
    }

    SvgLineChart add(Series s) {
        if (!s.points().isEmpty()) {
            series.add(s);
        }
        return this;
    }

    /** A grey dotted reference line y = x (for example "goodput equals offered load"). */
    SvgLineChart identityGuide() {
        identityGuide = true;
        return this;
    }

    /** Draws the chart into {@code svg} inside the box at (x0, y0) of the given size. */
    void render(StringBuilder svg, int x0, int y0, int width, int height) {
        int legendHeight = LEGEND_LINE * series.size();
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM - legendHeight;
        double xMax = niceCeil(series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[0]).max().orElse(1));
        double[] ys = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1])
                .filter(v -> !logY || v > 0).toArray();
        double yMin;
        double yMax;
        if (logY) {
            yMin = Math.pow(10, Math.floor(Math.log10(min(ys, 1e-3))));
            yMax = Math.pow(10, Math.ceil(Math.log10(max(ys, 1))));
            if (yMax <= yMin) {
                yMax = yMin * 10;
            }
        } else {
            yMin = 0;
            yMax = niceCeil(Math.max(max(ys, 1), identityGuide ? xMax : 0));
        }
        Scale sx = v -> x0 + LEFT + v / xMax * plotW;
        double lo = yMin;
        double hi = yMax;
        Scale sy = v -> y0 + TOP + plotH - (logY ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
                : (v - lo) / (hi - lo)) * plotH;
        svg.append(text(x0 + LEFT + plotW / 2.0, y0 + 20, title, "middle", 14, "bold"));
        svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n",
                x0 + LEFT, y0 + TOP, plotW, plotH));
        for (int i = 0; i <= 5; i++) {
            double v = xMax * i / 5;
            double px = sx.at(v);
            svg.append(line(px, y0 + TOP + plotH, px, y0 + TOP + plotH + 5, "#999", ""));
            svg.append(text(px, y0 + TOP + plotH + 18, number(v), "middle", 11, "normal"));
        }
        for (double v : yTicks(yMin, yMax)) {
            double py = sy.at(v);
            svg.append(line(x0 + LEFT, py, x0 + LEFT + plotW, py, "#eee", ""));
            svg.append(text(x0 + LEFT - 6, py + 4, number(v), "end", 11, "normal"));
        }
        svg.append(text(x0 + LEFT + plotW / 2.0, y0 + TOP + plotH + 36, xLabel, "middle", 12, "normal"));
        svg.append(String.format(Locale.ROOT,
                "<text x='%.1f' y='%.1f' text-anchor='middle' font-size='12' transform='rotate(-90 %.1f %.1f)'>%s</text>%n",
                x0 + 16.0, y0 + TOP + plotH / 2.0, x0 + 16.0, y0 + TOP + plotH / 2.0, escape(yLabel)));
        if (identityGuide && !logY) {
            double top = Math.min(xMax, yMax);
            svg.append(line(sx.at(0), sy.at(0), sx.at(top), sy.at(top), "#bbb", "2,3"));
        }
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (double[] p : s.points()) {
                if (!logY || p[1] > 0) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx.at(p[0]), sy.at(p[1])));
                    svg.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>%n",
                            sx.at(p[0]), sy.at(p[1]), s.color()));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='2'%s points='%s'/>%n",
                    s.color(), s.dashed() ? " stroke-dasharray='6,4'" : "", points.toString().trim()));
        }
        int ly = y0 + height - legendHeight;
        for (Series s : series) {
            svg.append(line(x0 + LEFT, ly - 4, x0 + LEFT + 24, ly - 4, s.color(), s.dashed() ? "6,4" : ""));
            svg.append(text(x0 + LEFT + 30, ly, s.name(), "start", 11, "normal"));
            ly += LEGEND_LINE;
        }
    }

    /** Height the chart needs for its plot of {@code plotHeight} plus legend. */
    int heightFor(int plotHeight) {
        return plotHeight + TOP + BOTTOM + LEGEND_LINE * series.size();
    }

    private interface Scale {
        double at(double v);
    }

    private List<Double> yTicks(double min, double max) {
        List<Double> ticks = new ArrayList<>();
        if (logY) {
            for (double v = min; v <= max * 1.0001; v *= 10) {
                ticks.add(v);
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                ticks.add(min + (max - min) * i / 5);
            }
        }
        return ticks;
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is >= v. */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * 0.9999) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static double min(double[] values, double otherwise) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return values.length == 0 ? otherwise : m;
    }

    private static double max(double[] values, double otherwise) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return values.length == 0 ? otherwise : m;
    }

    private static String number(double v) {
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String line(double x1, double y1, double x2, double y2, String color, String dash) {
        return String.format(Locale.ROOT, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s'%s/>%n",
                x1, y1, x2, y2, color, dash.isEmpty() ? "" : " stroke-dasharray='" + dash + "'");
    }

    private static String text(double x, double y, String s, String anchor, int size, String weight) {
        return String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' text-anchor='%s' font-size='%d' font-weight='%s'>%s</text>%n",
                x, y, anchor, size, weight, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
