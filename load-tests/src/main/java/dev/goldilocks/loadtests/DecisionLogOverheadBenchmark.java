package dev.goldilocks.loadtests;

import dev.goldilocks.gateway.AllInOne;
import dev.goldilocks.gateway.GatewayServer;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.store.DecisionLogSettings;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the decision log adds to the gateway's latency: two gateways side by side in front of the same workers
 * (the all-in-one's), one with the decision log off and one writing every decision to DuckDB, each called in turn
 * for short rounds by closed-loop clients at 1 and at 64 requests in flight. Rounds alternate between the two, so
 * drift of the machine's load hits both alike; each configuration's figure is the median of its rounds' p50 (and
 * p99), and the ratio DuckDB / off is the result (issue 13: at most 1.05 at p50).
 */
public final class DecisionLogOverheadBenchmark {

    private static final int[] IN_FLIGHT = {1, 64};
    private static final int ROUNDS = 5;
    private static final Duration ROUND = Duration.ofSeconds(6);
    private static final Duration WARM_UP = Duration.ofSeconds(5);

    private DecisionLogOverheadBenchmark() {
    }

    /** A gateway and its clients' channel. */
    private record Gateway(String name, GatewayServer server, ManagedChannel channel) implements AutoCloseable {
        static Gateway start(String name, GatewayConfig config) throws Exception {
            GatewayServer server = GatewayServer.start(config.withPort(0));
            return new Gateway(name, server, NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .build());
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path dir = Files.createTempDirectory("decision-log-overhead");
        Report report = new Report("Decision log overhead", "load-tests/run.sh decision-log-overhead");
        String loadBefore = Report.loadAverage();
        try (AllInOne all = AllInOne.start(models, "127.0.0.1", 0, -1);
             Gateway off = Gateway.start("off", admitting(all.gatewayConfig()));
             Gateway duckdb = Gateway.start("duckdb", admitting(all.gatewayConfig())
                     .withDecisionLog(DecisionLogSettings.duckdb(dir.resolve("decision-log.duckdb"))))) {
            report.section("Gateway latency with and without the decision log",
                    "Generate, 4 new tokens from the math specialist (domain hint), closed loop: each of N clients sends"
                    + " its next request when its last one is answered. Two gateways in one process in front of the"
                    + " same workers: *off* (decision_log.store: off) and *duckdb* (every decision written to a DuckDB"
                    + " file with the default batching: 1,000 rows, 200 ms). " + ROUNDS + " rounds of "
                    + ROUND.toSeconds() + " s per gateway and load, alternating off/duckdb, after " + WARM_UP.toSeconds()
                    + " s of warm-up each; each figure is the median over the rounds of the round's percentile. Each"
                    + " model's concurrency limit at the gateways is fixed at 256 (dispatch.model_limit), so every"
                    + " request is admitted and waits in the worker's queue; a refusal would be counted and not timed.");
            report.header("in flight", "off p50 ms", "duckdb p50 ms", "p50 ratio duckdb/off", "off p99 ms",
                    "duckdb p99 ms", "p99 ratio", "off answered/s", "duckdb answered/s", "off refused",
                    "duckdb refused", "rows written", "rows dropped");
            for (int inFlight : IN_FLIGHT) {
                run(off, inFlight, WARM_UP);
                run(duckdb, inFlight, WARM_UP);
                double[][] offRounds = new double[ROUNDS][];
                double[][] logRounds = new double[ROUNDS][];
                for (int r = 0; r < ROUNDS; r++) {
                    offRounds[r] = run(off, inFlight, ROUND);
                    logRounds[r] = run(duckdb, inFlight, ROUND);
                }
                duckdb.server().decisionLog().flush(Duration.ofMinutes(1));
                double offP50 = median(offRounds, 0);
                double logP50 = median(logRounds, 0);
                double offP99 = median(offRounds, 1);
                double logP99 = median(logRounds, 1);
                report.row(inFlight, ms(offP50), ms(logP50), ratio(logP50 / offP50), ms(offP99), ms(logP99),
                        ratio(logP99 / offP99), fmt(median(offRounds, 2)), fmt(median(logRounds, 2)),
                        fmt(total(offRounds, 3)), fmt(total(logRounds, 3)),
                        (long) duckdb.server().decisionLog().written(), (long) duckdb.server().decisionLog().dropped());
            }
            report.section("Conditions", "Load average (1, 5, 15 min) before the run: " + loadBefore + "; after: "
                    + Report.loadAverage() + ". Figures measured while other work shares the " + Runtime.getRuntime()
                    .availableProcessors() + " cores are provisional: take them on a quiet machine.");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        report.write(results.resolve("decision-log-overhead.md"));
    }

    /**
     * The gateway with a fixed concurrency limit per model above the benchmark's load, so that 64 requests are
     * really in flight (the adaptive limit would shed some of them, and refusals are not what is measured here).
     */
    private static GatewayConfig admitting(GatewayConfig config) {
        return config.withDispatch(config.dispatch().withModelLimit(ModelLimitSettings.fixed(256)));
    }

    /**
     * One round: {p50 microseconds, p99 microseconds, answered requests per second, refused requests}. A refusal
     * (the gateway sheds load at a model's adaptive concurrency limit) is counted, not timed, and the client goes on.
     */
    private static double[] run(Gateway gateway, int inFlight, Duration duration) throws InterruptedException {
        GoldilocksGrpc.GoldilocksBlockingStub stub = GoldilocksGrpc.newBlockingStub(gateway.channel());
        Histogram latency = new ConcurrentHistogram(3);
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder refused = new LongAdder();
        List<Thread> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < inFlight; c++) {
            GenerateRequest request = GenerateRequest.newBuilder().setPrompt("What is " + c + " + 34?")
                    .setDomainHint("math").setParams(GenerationParams.newBuilder().setMaxNewTokens(4)).build();
            Thread t = new Thread(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).generate(request);
                        latency.recordValue((System.nanoTime() - t0) / 1000);
                    } catch (StatusRuntimeException e) {
                        refused.increment();
                    }
                }
            }, gateway.name() + "-client-" + c);
            t.start();
            clients.add(t);
        }
        Thread.sleep(duration.toMillis());
        running.set(false);
        for (Thread t : clients) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
            latency.getTotalCount() / seconds, refused.sum()};
    }

    private static double median(double[][] rounds, int column) {
        double[] values = Arrays.stream(rounds).mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static double total(double[][] rounds, int column) {
        return Arrays.stream(rounds).mapToDouble(r -> r[column]).sum();
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000);
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.3f", r);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
