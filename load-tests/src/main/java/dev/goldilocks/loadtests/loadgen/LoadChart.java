package dev.goldilocks.loadtests.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The latency-against-load chart of a set of runs, one line per label (policy): end-to-end latency at p50
 * (dashed) and p99 (solid) on a log scale, and goodput against the offered rate beside it.
 */
public final class LoadChart {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final int PANEL_WIDTH = 520;
    private static final int PLOT_HEIGHT = 300;

    private LoadChart() {
    }

    /** The SVG document for these steps; {@code sloText} is the SLO goodput was counted under. */
    public static String svg(List<StepResult> steps, String sloText) {
        Map<String, List<StepResult>> byLabel = new LinkedHashMap<>();
        steps.forEach(s -> byLabel.computeIfAbsent(s.label(), k -> new ArrayList<>()).add(s));
        SvgLineChart latency = new SvgLineChart("End-to-end latency against load", "offered load (requests/s)",
                "seconds (log scale)", true);
        SvgLineChart goodput = new SvgLineChart("Goodput against load", "offered load (requests/s)",
                "requests/s meeting the SLO", false).identityGuide();
        int i = 0;
        for (Map.Entry<String, List<StepResult>> e : byLabel.entrySet()) {
            String color = COLORS[i++ % COLORS.length];
            List<StepResult> runs = e.getValue().stream()
                    .sorted(java.util.Comparator.comparingDouble(StepResult::offeredRate)).toList();
            latency.add(new SvgLineChart.Series(e.getKey() + " p99", color, false, points(runs, s -> s.e2e().p99())));
            latency.add(new SvgLineChart.Series(e.getKey() + " p50", color, true, points(runs, s -> s.e2e().p50())));
            goodput.add(new SvgLineChart.Series(e.getKey(), color, false, points(runs, StepResult::goodput)));
        }
        int height = Math.max(latency.heightFor(PLOT_HEIGHT), goodput.heightFor(PLOT_HEIGHT)) + 24;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif'>%n",
                2 * PANEL_WIDTH, height));
        svg.append(String.format("<rect width='%d' height='%d' fill='white'/>%n", 2 * PANEL_WIDTH, height));
        latency.render(svg, 0, 0, PANEL_WIDTH, height - 24);
        goodput.render(svg, PANEL_WIDTH, 0, PANEL_WIDTH, height - 24);
        svg.append(String.format("<text x='10' y='%d' font-size='11' fill='#555'>SLO: %s. Latency of successful"
                + " requests, from their intended send times.</text>%n", height - 8, SvgLineChart.escape(sloText)));
        return svg.append("</svg>\n").toString();
    }

    private static List<double[]> points(List<StepResult> runs, Function<StepResult, Double> y) {
        List<double[]> points = new ArrayList<>();
        for (StepResult s : runs) {
            Double v = y.apply(s);
            if (v != null) {
                points.add(new double[] {s.offeredRate(), v});
            }
        }
        return points;
    }
}
