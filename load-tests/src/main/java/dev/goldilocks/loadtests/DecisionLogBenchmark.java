package dev.goldilocks.loadtests;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.store.Decision;
import dev.goldilocks.store.DecisionLog;
import dev.goldilocks.store.DecisionLogSettings;
import dev.goldilocks.store.DecisionLogs;
import dev.goldilocks.store.SettingsHash;
import dev.goldilocks.store.TrafficClass;
import dev.goldilocks.store.UnitHasher;
import dev.goldilocks.store.jdbc.DuckDbStore;
import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.Tables;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Whether the decision log keeps up with 5,000 decisions per second into DuckDB: the Appender called
 * directly in a loop (the ceiling), the log's writer saturated (every decision offered at once), and the
 * log under open-loop load at fixed rates from two producer threads (dropped rows, queue depth, and how
 * long an offer takes the caller).
 */
public final class DecisionLogBenchmark {

    private static final int SATURATED_ROWS = 200_000;
    private static final int[] RATES = {5_000, 10_000};
    private static final Duration OPEN_LOOP = Duration.ofSeconds(20);
    private static final int PRODUCERS = 2;
    private static final int BATCH = 1_000;
    private static final String[] DOMAINS = {"code", "legal", "math", "prose"};
    /** Hashed once: the benchmark measures the log, not HMAC-SHA256 (the gateway hashes on its own threads). */
    private static final String[] UNIT_HASHES = unitHashes(10_000);
    private static final String SETTINGS_HASH = SettingsHash.of(Map.of("floor", 0.05));

    private DecisionLogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Path dir = Files.createTempDirectory("decision-log-benchmark");
        Report report = new Report("Decision log benchmark", "load-tests/run.sh decision-log");
        String loadBefore = Report.loadAverage();
        try {
            double direct = direct(dir.resolve("direct.duckdb"));
            Saturated saturated = saturated(dir.resolve("saturated.duckdb"));
            report.section("Throughput into DuckDB", "Decisions per second. *Appender directly*: " + SATURATED_ROWS
                    + " decisions appended in transactions of " + BATCH + " on one thread, no queue, timing the appends and"
                    + " commits only (the ceiling)."
                    + " *Decision log, saturated*: the same number offered to the log as fast as one thread can (queue"
                    + " capacity large enough for all), timed until flush() returns. Every decision has 4 domain scores"
                    + " and 2 candidate models.");
            report.header("path", "decisions/s", "ratio to the ceiling", "dropped", "bytes per decision on disk");
            report.row("Appender directly", fmt(direct), "1.00", 0, "-");
            report.row("decision log, saturated", fmt(saturated.rate), fmt2(saturated.rate / direct), saturated.dropped,
                    saturated.bytesPerDecision);
            report.section("Open loop", "Decisions offered at a fixed rate for " + OPEN_LOOP.toSeconds() + " s by "
                    + PRODUCERS + " producer threads (queue_capacity 10000, batch_size " + BATCH
                    + ", flush_interval_ms 200, the defaults). The log keeps up when nothing is dropped and the queue"
                    + " stays far below its capacity. *offer*: how long record() takes the caller.");
            report.header("offered/s", "achieved/s", "written", "dropped", "max queued rows", "offer p50 us",
                    "offer p99 us", "offer max us", "flush after the last offer ms");
            for (int rate : RATES) {
                OpenLoop r = openLoop(dir.resolve("open-" + rate + ".duckdb"), rate);
                report.row(rate, fmt(r.achieved), r.written, r.dropped, r.maxQueued, fmt2(r.offer.getValueAtPercentile(50) / 1e3),
                        fmt2(r.offer.getValueAtPercentile(99) / 1e3), fmt2(r.offer.getMaxValue() / 1e3), r.flushMillis);
            }
            report.section("Conditions", "Load average (1, 5, 15 min) before the run: " + loadBefore + "; after: "
                    + Report.loadAverage() + ". With more runnable threads than the " + Runtime.getRuntime().availableProcessors()
                    + " cores, the figures above are a floor, not the machine's figure.");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        report.write(results.resolve("decision-log.md"));
    }

    private static double direct(Path file) throws Exception {
        try (DuckDbStore store = new DuckDbStore(file); Connection c = Migrations.connect(store)) {
            long nanos = 0;
            for (int i = 0; i < SATURATED_ROWS; i += BATCH) {
                List<Decision> batch = new ArrayList<>(BATCH);
                for (int j = i; j < i + BATCH; j++) {
                    batch.add(decision(j));
                }
                long start = System.nanoTime(); // appends only: the decisions are made before
                c.setAutoCommit(false);
                store.insert(c, Tables.DECISION, batch);
                c.commit();
                nanos += System.nanoTime() - start;
            }
            return SATURATED_ROWS / (nanos / 1e9);
        }
    }

    private record Saturated(double rate, long dropped, String bytesPerDecision) {
    }

    private static Saturated saturated(Path file) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long start;
        double rate;
        try (DecisionLog log = open(file, SATURATED_ROWS, registry)) {
            start = System.nanoTime();
            for (int i = 0; i < SATURATED_ROWS; i++) {
                log.record(decision(i));
            }
            if (!log.flush(Duration.ofMinutes(10))) {
                throw new IllegalStateException("the saturated run did not flush within 10 minutes");
            }
            rate = SATURATED_ROWS / seconds(start);
        }
        try (DuckDbStore store = new DuckDbStore(file); Connection c = store.connect(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
        long bytes = Files.size(file);
        return new Saturated(rate, dropped(registry), fmt(bytes / (double) SATURATED_ROWS));
    }

    private record OpenLoop(double achieved, long written, long dropped, long maxQueued, Histogram offer, long flushMillis) {
    }

    private static OpenLoop openLoop(Path file, int rate) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Histogram offer = new ConcurrentHistogram(3);
        AtomicLong maxQueued = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        try (DecisionLog log = open(file, 10_000, registry)) {
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    maxQueued.accumulateAndGet((long) registry.get("goldilocks.decision.log.queued").gauge().value(), Math::max);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }, "queue-sampler");
            sampler.start();
            long periodNanos = TimeUnit.SECONDS.toNanos(1) * PRODUCERS / rate;
            long total = OPEN_LOOP.toSeconds() * rate / PRODUCERS;
            long start = System.nanoTime();
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                long offset = p * periodNanos / PRODUCERS;
                Thread t = new Thread(() -> {
                    for (long i = 0; i < total; i++) {
                        long due = start + offset + i * periodNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        Decision d = decision(sequence.getAndIncrement());
                        long before = System.nanoTime();
                        log.record(d);
                        offer.recordValue(System.nanoTime() - before);
                    }
                }, "producer-" + p);
                producers.add(t);
                t.start();
            }
            for (Thread t : producers) {
                t.join();
            }
            double achieved = sequence.get() / seconds(start);
            long flushStart = System.nanoTime();
            log.flush(Duration.ofMinutes(5));
            long flushMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flushStart);
            sampling.set(false);
            sampler.join();
            long written = (long) registry.get("goldilocks.decision.log.written").counter().count();
            return new OpenLoop(achieved, written, dropped(registry), maxQueued.get(), offer, flushMillis);
        }
    }

    private static DecisionLog open(Path file, int capacity, MeterRegistry registry) {
        DecisionLogSettings settings = DecisionLogSettings.read(ConfigNode.parse("store: duckdb\npath: " + file
                + "\nqueue_capacity: " + capacity + "\nbatch_size: " + BATCH + "\nflush_interval_ms: 200\n", "benchmark"));
        return DecisionLogs.open(settings, registry);
    }

    private static long dropped(MeterRegistry registry) {
        return (long) registry.find("goldilocks.decision.log.dropped").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** A client decision as the gateway would log it: a bandit choosing between a specialist and the generic model. */
    private static Decision decision(long i) {
        String domain = DOMAINS[(int) (i % DOMAINS.length)];
        String specialist = domain + "-specialist";
        double p = 0.6 + (i % 7) * 0.05;
        return new Decision("req-" + i + "-" + Long.toHexString(i * 0x9E3779B97F4A7C15L), Instant.now(),
                TrafficClass.CLIENT, UNIT_HASHES[(int) (i % UNIT_HASHES.length)],
                new Decision.Assignment("", "", "bandit", SETTINGS_HASH),
                new Decision.Classification(domain, 0.91, Map.of("code", 0.03, "legal", 0.03, "math", 0.03, "prose", 0.91)),
                new Decision.Action(Map.of(specialist, p, "generic", 1 - p), specialist),
                new Decision.Serving(specialist, false, "", false, "", "OK"),
                new Decision.Timing(0.042, OptionalDouble.of(0.011), OptionalDouble.of(0.0004), OptionalDouble.of(0.039)),
                new Decision.Usage(24, 48, 0.000071), Optional.empty());
    }

    private static String[] unitHashes(int users) {
        UnitHasher hasher = new UnitHasher("benchmark key, sixteen bytes or more".getBytes());
        String[] out = new String[users];
        for (int u = 0; u < users; u++) {
            out[u] = hasher.hash("user-" + u);
        }
        return out;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String fmt(double v) {
        return String.format("%,.0f", v);
    }

    private static String fmt2(double v) {
        return String.format("%.2f", v);
    }
}
