package dev.goldilocks.router.classify;

import java.util.List;
import java.util.Locale;

/** Small SVG charts of the classifier's calibration, written by train-router for router/README.md. */
final class Charts {

    private static final int PANEL = 300;
    private static final int MARGIN = 50;
    private static final String[] COLOURS = {"#1f77b4", "#d62728"};

    private Charts() {
    }

    /** One reliability diagram per set: accuracy per confidence bin (bars) against the diagonal, with counts. */
    static String reliability(List<String> names, List<Calibration> sets) {
        int width = names.size() * (PANEL + 2 * MARGIN);
        StringBuilder svg = open(width, PANEL + 2 * MARGIN + 20);
        for (int k = 0; k < sets.size(); k++) {
            int x0 = k * (PANEL + 2 * MARGIN) + MARGIN;
            int y0 = MARGIN;
            Calibration c = sets.get(k);
            axes(svg, x0, y0, "confidence", "accuracy");
            text(svg, x0 + PANEL / 2, y0 - 18, String.format("%s (n=%d, ECE %.3f)", names.get(k), c.size(),
                    c.expectedCalibrationError()), "middle", 13);
            for (Calibration.Bin b : c.bins()) {
                if (b.count() == 0) {
                    continue;
                }
                double bw = PANEL / (double) Calibration.BINS;
                double x = x0 + b.low() * PANEL;
                double h = b.accuracy() * PANEL;
                svg.append(f("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s' fill-opacity='0.7' stroke='white'/>%n",
                        x, y0 + PANEL - h, bw, h, COLOURS[0]));
                double gap = Math.abs(b.accuracy() - b.meanConfidence()) * PANEL;
                svg.append(f("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='%s' stroke-dasharray='3,2'/>%n",
                        x + 2, y0 + PANEL - Math.max(b.accuracy(), b.meanConfidence()) * PANEL, bw - 4, gap, COLOURS[1]));
                text(svg, x + bw / 2, y0 + PANEL - h - 3, Integer.toString(b.count()), "middle", 9);
            }
            svg.append(f("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black' stroke-dasharray='4,3'/>%n",
                    x0, y0 + PANEL, x0 + PANEL, y0));
        }
        text(svg, 10, PANEL + 2 * MARGIN + 12, "Bars: accuracy per confidence bin (number above: prompts in the bin);"
                + " dashed box: gap to the bin's mean confidence; diagonal: perfect calibration.", "start", 11);
        return svg.append("</svg>\n").toString();
    }

    /** Accuracy when only the most confident share of prompts is answered, from 10% to 100% coverage. */
    static String coverage(List<String> names, List<Calibration> sets) {
        int size = PANEL + 2 * MARGIN;
        StringBuilder svg = open(size + 180, size);
        int x0 = MARGIN;
        int y0 = MARGIN;
        double floor = 0.8;
        axes(svg, x0, y0, "coverage", "accuracy (from " + floor + ")");
        for (int k = 0; k < sets.size(); k++) {
            StringBuilder points = new StringBuilder();
            for (int c = 10; c <= 100; c++) {
                double accuracy = sets.get(k).atCoverage(c / 100.0).accuracy();
                points.append(f("%.1f,%.1f ", x0 + c / 100.0 * PANEL,
                        y0 + PANEL - Math.max(0, (accuracy - floor) / (1 - floor)) * PANEL));
            }
            svg.append(f("<polyline points='%s' fill='none' stroke='%s' stroke-width='2'/>%n", points.toString().trim(),
                    COLOURS[k % COLOURS.length]));
            svg.append(f("<rect x='%d' y='%d' width='12' height='12' fill='%s'/>%n", x0 + PANEL + 15, y0 + 20 * k,
                    COLOURS[k % COLOURS.length]));
            text(svg, x0 + PANEL + 32, y0 + 20 * k + 10, names.get(k), "start", 12);
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder open(int width, int height) {
        return new StringBuilder(f("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'>%n"
                + "<rect width='100%%' height='100%%' fill='white'/>%n", width, height));
    }

    private static void axes(StringBuilder svg, int x0, int y0, String x, String y) {
        svg.append(f("<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#888'/>%n", x0, y0, PANEL, PANEL));
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            text(svg, x0 + v * PANEL, y0 + PANEL + 14, f("%.2f", v), "middle", 10);
        }
        text(svg, x0 + PANEL / 2.0, y0 + PANEL + 30, x, "middle", 12);
        svg.append(f("<text x='%d' y='%d' font-size='12' text-anchor='middle' transform='rotate(-90 %d %d)'>%s</text>%n",
                x0 - 30, y0 + PANEL / 2, x0 - 30, y0 + PANEL / 2, y));
    }

    private static void text(StringBuilder svg, double x, double y, String s, String anchor, int size) {
        svg.append(f("<text x='%.1f' y='%.1f' font-size='%d' text-anchor='%s'>%s</text>%n", x, y, size, anchor,
                s.replace("&", "&amp;").replace("<", "&lt;")));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
