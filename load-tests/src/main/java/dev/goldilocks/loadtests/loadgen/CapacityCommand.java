package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.loadtests.Report;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The headline figure: the all-in-one's capacity curve under generic-only and under specialist-by-domain,
 * side by side on the same traffic (load-tests/run.sh capacity). Starts the all-in-one itself, warms it up,
 * then offers each rate to each policy in turn.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Capacity curve of the all-in-one under generic-only and specialist-by-domain; writes OUT.md, OUT.json, OUT.svg.")
public final class CapacityCommand implements Callable<Integer> {

    static final String BASELINE = "generic-only";
    static final String SPECIALISTS = "specialist-by-domain";

    @Option(names = "--rates", split = ",", description = "Offered rates, requests/s, light load to past saturation"
            + " (default: ${DEFAULT-VALUE}).")
    List<Double> rates = new ArrayList<>(List.of(2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0, 96.0, 128.0));

    @Option(names = "--attainment", description = "Share of requests that must meet the SLO for a rate to count as"
            + " served (default: ${DEFAULT-VALUE}, as DistServe).")
    double attainment = 0.9;

    @Option(names = "--warmup", description = "Seconds of traffic at the lowest rate per policy before measuring"
            + " (default: ${DEFAULT-VALUE}).")
    double warmupSeconds = 10;

    @Option(names = "--note", description = "A line put at the top of the results (for example: provisional).")
    String note;

    @Option(names = "--out", defaultValue = "${env:GOLDILOCKS_RESULTS:-load-tests/results}/capacity",
            description = "Results path without extension (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    TrafficOptions traffic = TrafficOptions.capacityDefaults();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PromptSet prompts = traffic.prompts();
        LoadPlan plan = traffic.plan(rates, List.of(Optional.of(BASELINE), Optional.of(SPECIALISTS)), prompts);
        Path log = Files.createTempFile("goldilocks-capacity-server", ".log");
        System.err.printf("capacity: starting the all-in-one (log: %s); the curve takes at most %.0f minutes%n", log,
                (plan.worstCaseSeconds() + 2 * (warmupSeconds + plan.drainSeconds())) / 60);
        long started = System.nanoTime();
        List<StepResult> warmup;
        List<StepResult> steps;
        try (AllInOneProcess server = AllInOneProcess.start(traffic.modelsDir(), log)) {
            ManagedChannel channel = new LoopbackTarget("127.0.0.1", server.port()).channel(Optional.empty(), Optional.empty());
            try {
                LoadTest test = new LoadTest(channel, prompts, System.err, server::cpuSeconds);
                warmup = test.run(plan.only(plan.rates().get(0), warmupSeconds));
                steps = test.run(plan);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
        CapacitySummary summary = CapacitySummary.of(steps, attainment);
        Map<String, Object> setup = TrafficOptions.describe(plan, traffic.sources);
        setup.put("server", "the all-in-one (`goldilocks serve`) as its own process, started by the benchmark:"
                + " gateway, a worker with the generic model (2 ONNX Runtime threads) and one with the three"
                + " specialists (1 thread each), continuous batching of up to 16 sequences per model; probes and"
                + " shadow traffic off. The load generator runs on the same machine and shares its cores.");
        setup.put("warm-up", warmupSeconds + " s at " + plan.rates().get(0) + " requests/s per policy, not counted ("
                + warmup.stream().mapToInt(StepResult::sent).sum() + " requests)");
        setup.put("wall time of the whole benchmark", String.format(Locale.ROOT, "%.1f minutes",
                (System.nanoTime() - started) / 6e10));
        String command = "load-tests/run.sh capacity " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        new LoadReport("Capacity: generic-only against specialist-by-domain", command, setup, plan.slo(), steps)
                .lead("capacity", summary, r -> describe(r, summary, plan))
                .write(out);
        System.out.println("README line: " + headline(summary, plan));
        return 0;
    }

    private void describe(Report r, CapacitySummary summary, LoadPlan plan) {
        r.section("Headline", (note == null ? "" : "**" + note + "**\n\n") + headline(summary, plan));
        r.section("Capacity by policy", "*capacity*: the highest offered rate at which at least "
                + LoadReport.pct(summary.attainment()) + " of the requests met the SLO (" + plan.slo() + "), every lower"
                + " rate too (DistServe's goodput); the true figure lies between it and the next rate tried."
                + " *CPU s per 1k*: the server process's CPU time per 1,000 successful requests at that rate (idle"
                + " work weighs more at low rates: compare the policies at one rate, as the headline does)."
                + " Cost and quality over every run of the policy: cost from the responses' usage (the demo prices"
                + " follow each model's FLOPs per token), quality from scoring every answer against its evaluation"
                + " item's reference (exact match for math, chrF otherwise: the probes' metric), mean and 95% interval.");
        r.header("policy", "capacity (requests/s)", "missed at", "met again at", "capacity per core", "max goodput/s",
                "CPU s per 1k", "cost per 1k requests", "quality");
        int cores = Runtime.getRuntime().availableProcessors();
        for (CapacitySummary.PolicyCapacity p : summary.policies()) {
            r.row(p.policy(), p.capacity() == null ? "< " + LoadReport.num(plan.rates().get(0)) : LoadReport.num(p.capacity()),
                    p.nextRate() == null ? "-" : LoadReport.num(p.nextRate()),
                    p.metAgainAt().isEmpty() ? "-" : p.metAgainAt().stream().map(LoadReport::num).toList(),
                    p.capacity() == null ? "-" : LoadReport.num(p.capacity() / cores),
                    LoadReport.num(p.maxGoodput()), optional(p.cpuSecondsPer1kAt(p.capacity())),
                    LoadReport.usd(p.costPer1kUsd()), LoadReport.quality(p.quality()));
        }
        r.section("Quality by domain", "Answers scored against the evaluation references, every run of each policy"
                + " pooled (the same prompts for both policies).");
        List<String> header = new ArrayList<>(List.of("domain"));
        summary.policies().forEach(p -> header.add(p.policy()));
        r.header(header.toArray(String[]::new));
        summary.policies().get(0).qualityByDomain().keySet().forEach(domain -> {
            List<Object> row = new ArrayList<>(List.of(domain));
            summary.policies().forEach(p -> row.add(LoadReport.quality(p.qualityByDomain().getOrDefault(domain,
                    new Quality(0, null, null)))));
            r.row(row.toArray());
        });
    }

    private static String optional(Double v) {
        return v == null ? "-" : LoadReport.num(v);
    }

    /** One sentence: what the specialists serve against the generic model, per core, per dollar, at what quality. */
    static String headline(CapacitySummary summary, LoadPlan plan) {
        CapacitySummary.PolicyCapacity g = find(summary, BASELINE);
        CapacitySummary.PolicyCapacity s = find(summary, SPECIALISTS);
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Within the SLO (%s, met by %s of requests), specialist-by-domain"
                + " serves %s requests/s and generic-only %s on the same %d cores", plan.slo(),
                LoadReport.pct(summary.attainment()), capacityText(s, plan), capacityText(g, plan), cores));
        if (g.capacity() != null && s.capacity() != null) {
            text.append(String.format(Locale.ROOT, " (%s%.1fx the requests per core)", s.nextRate() == null ? "at least " : "",
                    s.capacity() / g.capacity()));
        }
        Double common = summary.commonCapacity();
        Double sCpu = s.cpuSecondsPer1kAt(common);
        Double gCpu = g.cpuSecondsPer1kAt(common);
        if (sCpu != null && gCpu != null) {
            text.append(String.format(Locale.ROOT, "; at %s requests/s, which both served, the server used %.0f"
                    + " against %.0f CPU seconds per 1,000 requests", LoadReport.num(common), sCpu, gCpu));
        }
        if (g.costPer1kUsd() != null && s.costPer1kUsd() != null) {
            text.append(String.format(Locale.ROOT, "; $%.3f against $%.3f per 1,000 requests (%.1fx the requests per"
                    + " dollar)", s.costPer1kUsd(), g.costPer1kUsd(), g.costPer1kUsd() / s.costPer1kUsd()));
        }
        if (g.quality().mean() != null && s.quality().mean() != null) {
            text.append(String.format(Locale.ROOT, "; quality %.3f against %.3f (answers scored against the evaluation"
                    + " references)", s.quality().mean(), g.quality().mean()));
        }
        text.append('.');
        for (CapacitySummary.PolicyCapacity p : List.of(s, g)) {
            if (!p.metAgainAt().isEmpty()) {
                text.append(String.format(Locale.ROOT, " Uncertain: %s missed the SLO at %s requests/s but met it again"
                        + " at %s, so its curve is noise at this run length; rerun on a quiet machine or with longer"
                        + " runs (--duration).", p.policy(), LoadReport.num(p.nextRate()),
                        p.metAgainAt().stream().map(LoadReport::num).toList()));
            }
        }
        return text.toString();
    }

    private static String capacityText(CapacitySummary.PolicyCapacity p, LoadPlan plan) {
        if (p.capacity() == null) {
            return "fewer than " + LoadReport.num(plan.rates().get(0));
        }
        return p.nextRate() == null ? "at least " + LoadReport.num(p.capacity()) : LoadReport.num(p.capacity());
    }

    private static CapacitySummary.PolicyCapacity find(CapacitySummary summary, String policy) {
        return summary.policies().stream().filter(p -> p.policy().equals(policy)).findFirst().orElseThrow();
    }

    static CommandLine commandLine() {
        return Commands.of(new CapacityCommand(), "capacity");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
