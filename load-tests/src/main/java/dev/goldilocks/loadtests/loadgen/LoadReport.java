package dev.goldilocks.loadtests.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.goldilocks.loadtests.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The results of a load test in three files beside each other: BASE.json (every figure), BASE.md (tables) and
 * BASE.svg (latency and goodput against offered load).
 */
public final class LoadReport {

    private final String title;
    private final String command;
    private final Map<String, Object> setup;
    private final Slo slo;
    private final List<StepResult> steps;
    private final Map<String, Object> extraJson = new LinkedHashMap<>();
    private final List<Consumer<Report>> leadingSections = new ArrayList<>();

    /** {@code setup}: what was run, as "name: value" lines for the reader (also in the JSON). */
    public LoadReport(String title, String command, Map<String, Object> setup, Slo slo, List<StepResult> steps) {
        this.title = title;
        this.command = command;
        this.setup = setup;
        this.slo = slo;
        this.steps = steps;
    }

    /** Adds a top-level JSON entry and Markdown sections placed before the per-run tables. */
    public LoadReport lead(String jsonKey, Object json, Consumer<Report> sections) {
        extraJson.put(jsonKey, json);
        leadingSections.add(sections);
        return this;
    }

    /** Writes BASE.json, BASE.md and BASE.svg; returns the Markdown file. */
    public Path write(Path base) throws IOException {
        Path dir = base.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = base.getFileName().toString();
        Files.writeString(dir.resolve(name + ".svg"), LoadChart.svg(steps, slo.toString()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("title", title);
        json.put("command", command);
        json.put("finished", ZonedDateTime.now().toString());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("setup", setup);
        json.put("slo", slo);
        json.putAll(extraJson);
        json.put("runs", steps);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(name + ".json").toFile(), json);
        Path md = dir.resolve(name + ".md");
        markdown(name).write(md);
        return md;
    }

    private Report markdown(String name) {
        Report r = new Report(title, command);
        StringBuilder lines = new StringBuilder();
        setup.forEach((k, v) -> lines.append("- ").append(k).append(": ").append(v).append('\n'));
        lines.append("- SLO (goodput counts successful requests meeting all of it): ").append(slo);
        r.section("Setup", lines.toString());
        leadingSections.forEach(s -> s.accept(r));
        r.section("Runs", "Latencies in seconds, over successful requests, measured from each request's intended send"
                + " time (so queueing is in them). *SLO met*: share of all sent requests that succeeded within every"
                + " SLO; goodput, throughput and tokens/s are per second from the first intended send to the last"
                + " answer. *send lag p99*: how late the load generator itself sent requests (if it is large, the"
                + " client could not keep the schedule). Cost per 1,000 successful requests from the responses'"
                + " usage; quality: answers scored against the evaluation sets' references (exact match for math,"
                + " chrF otherwise), mean and 95% interval.\n\n![latency and goodput against offered load](" + name
                + ".svg)");
        r.header("policy", "offered/s", "sent", "OK", "SLO met", "goodput/s", "throughput/s", "tokens/s", "e2e p50",
                "e2e p90", "e2e p99", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99", "cost/1k req", "quality",
                "server CPU s", "send lag p99");
        for (StepResult s : steps) {
            r.row(s.label(), num(s.offeredRate()), s.sent(), s.ok(), pct(s.sloAttainment()), num(s.goodput()),
                    num(s.throughput()), num(s.outputTokensPerSecond()), sec(s.e2e().p50()), sec(s.e2e().p90()),
                    sec(s.e2e().p99()), sec(s.ttft().p50()), sec(s.ttft().p99()), sec(s.tpot().p50()),
                    sec(s.tpot().p99()), usd(s.costPer1kUsd()), quality(s.quality()),
                    s.serverCpuSeconds() == null ? "-" : num(s.serverCpuSeconds()), sec(s.sendLag().p99()));
        }
        r.section("Outcomes", "Every sent request ends in exactly one outcome: its gRPC status, with the"
                + " google.rpc.ErrorInfo reason where the server gave one. CANCELLED " + RequestRecord.OUTSTANDING_AT_END
                + ": still outstanding when the drain time after the last send ran out, and cancelled by the load"
                + " generator.");
        r.header("policy", "offered/s", "outcome", "requests", "share", "first message");
        for (StepResult s : steps) {
            s.outcomes().forEach((outcome, n) -> r.row(s.label(), num(s.offeredRate()), outcome, n,
                    pct((double) n / s.sent()), cell(s.exampleMessages().getOrDefault(outcome, ""))));
        }
        r.section("By routed model", "From each response's route (a failure before any route counts under the model"
                + " its ErrorInfo names, or (none)).");
        r.header("policy asked", "offered/s", "model", "routed by", "requests", "OK", "e2e p50", "e2e p99",
                "cost/1k req", "quality");
        for (StepResult s : steps) {
            for (StepResult.RouteSplit route : s.routes()) {
                r.row(s.label(), num(s.offeredRate()), route.model(), route.policy(), route.requests(), route.ok(),
                        sec(route.e2e().p50()), sec(route.e2e().p99()), usd(route.costPer1kUsd()), quality(route.quality()));
            }
        }
        return r;
    }

    /** Text as one Markdown table cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static String num(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    static String sec(Double s) {
        return s == null ? "-" : String.format(Locale.ROOT, s >= 10 ? "%.1f" : "%.3f", s);
    }

    static String usd(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "$%.4f", v);
    }

    static String quality(Quality q) {
        return q.mean() == null ? "-" : String.format(Locale.ROOT, "%.3f ± %.3f (n %d)", q.mean(), q.ci95(), q.n());
    }
}
