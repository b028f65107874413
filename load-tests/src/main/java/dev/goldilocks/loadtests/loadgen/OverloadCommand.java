package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.loadtests.Report;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 11's overload figure (load-tests/run.sh overload): does the all-in-one keep the requests it accepts
 * fast, and its refusals cheap, when offered three times what it can serve? Starts the all-in-one, measures
 * its capacity C as the throughput it sustains when saturated, then offers Poisson traffic at a low load
 * (0.3 C, the reference latency) and at 3 C, and finally sends sequential requests to show it recovered.
 */
@Command(name = "overload", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Accepted latency and refusal cost of the all-in-one at a multiple of its capacity; writes OUT.md, OUT.json, OUT.svg.")
public final class OverloadCommand implements Callable<Integer> {

    @Option(names = "--saturate-rate", description = "Offered rate of the run that measures capacity: far past it"
            + " (default: ${DEFAULT-VALUE}).")
    double saturateRate = 200;

    @Option(names = "--saturate-seconds", description = "Length of that run (default: ${DEFAULT-VALUE}).")
    double saturateSeconds = 20;

    @Option(names = "--capacity", description = "Capacity C in requests/s, from an earlier run, to compare"
            + " configurations at the same offered rates (default: measured first).")
    Double knownCapacity;

    @Option(names = "--low-load", description = "The reference load, as a share of capacity (default: ${DEFAULT-VALUE}).")
    double lowLoad = 0.3;

    @Option(names = "--low-seconds", description = "Length of the reference run (default: ${DEFAULT-VALUE}).")
    double lowSeconds = 60;

    @Option(names = "--overload", description = "The overload, as a multiple of capacity (default: ${DEFAULT-VALUE}).")
    double overload = 3;

    @Option(names = "--overload-seconds", description = "Length of the overload run (default: ${DEFAULT-VALUE}).")
    double overloadSeconds = 120;

    @Option(names = "--sequential", description = "Requests sent one after another once the overload ends"
            + " (default: ${DEFAULT-VALUE}).")
    int sequential = 20;

    @Option(names = "--note", description = "A line put at the top of the results (for example: provisional).")
    String note;

    @Option(names = "--out", defaultValue = "${env:GOLDILOCKS_RESULTS:-load-tests/results}/overload",
            description = "Results path without extension (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    TrafficOptions traffic = TrafficOptions.capacityDefaults();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Refusals' and accepted requests' figures of one run, beside its StepResult. */
    record Phase(String name, StepResult step, Latency acceptedE2e, Latency refusalFromSend, Latency refusalFromIntended,
                 long refused) {
    }

    /** The verdict: what the issue asks, as ratios measured in this run. */
    record Summary(double capacity, Double lowLoadP99, Double overloadAcceptedP99, Double ratio, Double refusalP50,
                   Double refusalP99, int sequentialOk, int sequentialSent, Map<String, Long> sequentialOutcomes) {
    }

    @Override
    public Integer call() throws Exception {
        PromptSet prompts = traffic.prompts();
        LoadPlan base = traffic.plan(List.of(saturateRate), List.of(Optional.empty()), prompts);
        Path log = Files.createTempFile("goldilocks-overload-server", ".log");
        System.err.printf("overload: starting the all-in-one (log: %s); about %.0f minutes%n", log,
                (10 + saturateSeconds + lowSeconds + overloadSeconds + 4 * base.drainSeconds()) / 60);
        List<Phase> phases = new ArrayList<>();
        Summary summary;
        try (AllInOneProcess server = AllInOneProcess.start(traffic.modelsDir(), log)) {
            ManagedChannel channel = new LoopbackTarget("127.0.0.1", server.port()).channel(Optional.empty(), Optional.empty());
            try {
                summary = measure(channel, base, prompts, phases);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> setup = TrafficOptions.describe(base, traffic.sources);
        setup.remove("offered rates (requests/s)");
        setup.put("server", "the all-in-one (`goldilocks serve`, default configuration: adaptive per-model limits,"
                + " admission at the door) as its own process; probes and shadow traffic off; the load generator shares"
                + " its two cores");
        setup.put("phases", String.format(Locale.ROOT, "10 s warm-up at 4/s (not counted); %.0f s at %.0f/s to measure"
                + " capacity C (throughput of successful requests when saturated; or C given by --capacity); %.0f s at"
                + " %.2f C; %.0f s at %.1f C; then %d requests one after another", saturateSeconds, saturateRate,
                lowSeconds, lowLoad, overloadSeconds, overload, sequential));
        String command = "load-tests/run.sh overload " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        new LoadReport("Overload: accepted latency and refusal cost at " + LoadReport.num(overload) + "x capacity",
                command, setup, base.slo(), phases.stream().map(Phase::step).toList())
                .lead("overload", Map.of("summary", summary, "phases", phases), r -> describe(r, summary, phases))
                .write(out);
        System.out.println("README line: " + headline(summary));
        return 0;
    }

    /** Runs the phases against the server, adding each measured one to {@code phases}; the figures. */
    private Summary measure(ManagedChannel channel, LoadPlan base, PromptSet prompts, List<Phase> phases)
            throws InterruptedException {
        run(channel, base, prompts, "warm-up", 4, 10, 100);
        double capacity;
        if (knownCapacity == null) {
            Phase saturated = run(channel, base, prompts, "saturated", saturateRate, saturateSeconds, 200);
            capacity = saturated.step().throughput();
            phases.add(saturated);
        } else {
            capacity = knownCapacity;
        }
        System.err.printf("overload: capacity %.1f requests/s%n", capacity);
        Phase low = run(channel, base, prompts, "low load", lowLoad * capacity, lowSeconds, 300);
        phases.add(low);
        Phase over = run(channel, base, prompts, "overload", overload * capacity, overloadSeconds, 400);
        phases.add(over);
        Map<String, Long> after = sequentially(channel, base.shape(), prompts.draw(sequential, base.mix(), 500));
        long ok = after.getOrDefault("OK", 0L);
        Double lowP99 = low.acceptedE2e().p99();
        Double overP99 = over.acceptedE2e().p99();
        return new Summary(capacity, lowP99, overP99, lowP99 == null || overP99 == null ? null : overP99 / lowP99,
                over.refusalFromSend().p50(), over.refusalFromSend().p99(), (int) ok, sequential, after);
    }

    private Phase run(ManagedChannel channel, LoadPlan base, PromptSet prompts, String name, double rate,
                      double seconds, long seed) throws InterruptedException {
        ArrivalSchedule schedule = ArrivalSchedule.poisson(rate, seconds, Integer.MAX_VALUE, seed);
        List<Prompt> drawn = prompts.draw(schedule.size(), base.mix(), seed);
        System.err.printf("overload: %s at %.1f requests/s for %.0f s...%n", name, rate, seconds);
        LoadRun.Records records = new LoadRun(channel, base.shape(), base.drainSeconds()).run(schedule, drawn);
        StepResult step = StepResult.of(name, schedule, records, base.slo());
        List<RequestRecord> refusals = records.all().stream().filter(r -> r.status().equals("RESOURCE_EXHAUSTED")).toList();
        Phase phase = new Phase(name, step, step.e2e(),
                Latency.of(refusals.stream(), r -> r.e2eNanos() - r.sendLagNanos()),
                Latency.of(refusals.stream(), RequestRecord::e2eNanos), refusals.size());
        System.err.printf("overload:   %d sent, %d OK, %d refused, accepted p99 %s s, refusal p99 %s s, outcomes %s%n",
                step.sent(), step.ok(), phase.refused(), LoadReport.sec(step.e2e().p99()),
                LoadReport.sec(phase.refusalFromSend().p99()), step.outcomes());
        return phase;
    }

    /** Sends one request after another (unary, the same shape otherwise); outcomes by status. */
    private static Map<String, Long> sequentially(ManagedChannel channel, RequestShape shape, List<Prompt> prompts) {
        Map<String, Long> outcomes = new TreeMap<>();
        GoldilocksGrpc.GoldilocksBlockingStub stub = GoldilocksGrpc.newBlockingStub(channel);
        for (int i = 0; i < prompts.size(); i++) {
            GenerateRequest request = shape.request(prompts.get(i), i);
            String outcome;
            try {
                stub.withDeadlineAfter(shape.deadlineNanos(), TimeUnit.NANOSECONDS).generate(request);
                outcome = "OK";
            } catch (StatusRuntimeException e) {
                outcome = Status.fromThrowable(e).getCode().name();
            }
            outcomes.merge(outcome, 1L, Long::sum);
        }
        return outcomes;
    }

    private void describe(Report r, Summary s, List<Phase> phases) {
        r.section("Headline", (note == null ? "" : "**" + note + "**\n\n") + headline(s));
        r.section("Accepted and refused requests by phase", "*accepted e2e*: successful requests, from their"
                + " intended send time (queueing included). *refusal*: RESOURCE_EXHAUSTED answers, from the moment the"
                + " load generator sent them (what a refusal costs the client; from the intended time it also holds"
                + " the load generator's own lateness, the next columns).");
        r.header("phase", "offered/s", "sent", "OK", "refused", "accepted e2e p50", "accepted e2e p99",
                "refusal p50", "refusal p99", "refusal p99 from intended", "send lag p99");
        for (Phase p : phases) {
            StepResult st = p.step();
            r.row(p.name(), LoadReport.num(st.offeredRate()), st.sent(), st.ok(), p.refused(),
                    LoadReport.sec(p.acceptedE2e().p50()), LoadReport.sec(p.acceptedE2e().p99()),
                    LoadReport.sec(p.refusalFromSend().p50()), LoadReport.sec(p.refusalFromSend().p99()),
                    LoadReport.sec(p.refusalFromIntended().p99()), LoadReport.sec(st.sendLag().p99()));
        }
        r.section("After the overload", sequential + " requests one after another: " + s.sequentialOutcomes());
    }

    private String headline(Summary s) {
        String measured = knownCapacity == null ? "successful requests per second when saturated" : "given by --capacity";
        return String.format(Locale.ROOT, "Capacity C %.1f requests/s (%s). At %.1fx C, accepted requests' p99 was %s s"
                        + " against %s s at %.2f C: %s (goal: at most 2x); refusals took %s ms at p50 and %s ms at p99"
                        + " from the client's send (goal: p99 at most 5 ms); after the overload %d of %d sequential"
                        + " requests were OK.", s.capacity(), measured, overload, LoadReport.sec(s.overloadAcceptedP99()),
                LoadReport.sec(s.lowLoadP99()), lowLoad, s.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2fx",
                        s.ratio()), millis(s.refusalP50()), millis(s.refusalP99()), s.sequentialOk(), s.sequentialSent());
    }

    private static String millis(Double seconds) {
        return seconds == null ? "-" : String.format(Locale.ROOT, "%.1f", seconds * 1000);
    }

    public static void main(String[] args) {
        System.exit(Commands.of(new OverloadCommand(), "overload").execute(args));
    }
}
