package dev.goldilocks.loadtests.hop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.goldilocks.loadtests.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of a hop, side by side in one run on loopback (issue 16 item 1): a raw grpc-java echo service with
 * our server defaults (the floor), a worker serving an echo model (which computes nothing), and a gateway in
 * front of it, with a domain hint and with the classifier on 64-token prompts; each at one call in flight
 * (p50, p99) and at many (requests per second), unary and streaming. The servers run in a process of their
 * own ({@link HopServers}), the client here; with {@code --compare NAME=JAR}, the servers of other builds run
 * beside them and their worker and gateway are measured in the same rounds (run.sh's --baseline builds them).
 * Then the math specialist's short generation through the worker against its own model steps called in a
 * loop. With --jfr, a Java Flight Recorder profile of each path's servers, summarized per call.
 *
 * <pre>load-tests/run.sh hop [--calls 10000] [--warmup 2000] [--warmup-seconds 5] [--rounds 10] [--seconds 5]
 *                        [--in-flight 64] [--jfr] [--quick] [--no-model] [--no-classifier]
 *                        [--baseline REV[,REV...]]</pre>
 */
public final class HopBenchmark {

    /** A profile records at least this long: JFR takes a few hundred CPU samples a second here. */
    private static final double JFR_SECONDS = 10;
    static final String THIS_BUILD = "this build";

    /** The paths, by role. */
    static final String RAW = "raw";
    static final String RAW_WORKER = "raw-worker";
    static final String WORKER = "worker";
    static final String GATEWAY = "gateway";
    static final String LEXICAL = "lexical";
    static final String MINILM = "minilm";

    private HopBenchmark() {
    }

    /** The run's knobs; {@code compare} maps a build's name to its load-tests jar. */
    record Settings(int calls, int warmUp, double warmUpSeconds, int rounds, double seconds, int inFlight, boolean jfr,
                    boolean model, boolean classifier, Map<String, Path> compare) {
        static Settings parse(String[] args) {
            int calls = 10_000;
            int warmUp = 2_000;
            double warmUpSeconds = 5;
            int rounds = 10;
            double seconds = 5;
            int inFlight = 64;
            boolean jfr = false;
            boolean model = true;
            boolean classifier = true;
            Map<String, Path> compare = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--calls" -> calls = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmUp = Integer.parseInt(args[++i]);
                    case "--warmup-seconds" -> warmUpSeconds = Double.parseDouble(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                    case "--jfr" -> jfr = true;
                    case "--no-model" -> model = false;
                    case "--no-classifier" -> classifier = false;
                    case "--compare" -> {
                        String[] build = args[++i].split("=", 2);
                        compare.put(build[0], Path.of(build[1]));
                    }
                    case "--quick" -> {
                        calls = 2_000;
                        warmUp = 500;
                        warmUpSeconds = 2;
                        rounds = 4;
                        seconds = 2;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; known: --calls N --warmup N --warmup-seconds S --rounds N --seconds S --in-flight N --jfr"
                            + " --quick --no-model --no-classifier --compare NAME=LOAD_TESTS_JAR");
                }
            }
            return new Settings(calls, warmUp, warmUpSeconds, rounds, seconds, inFlight, jfr, model, classifier,
                    compare);
        }
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Settings settings = Settings.parse(java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
        Report report = new Report("Hop benchmark", "load-tests/run.sh hop");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        Map<String, Path> builds = new LinkedHashMap<>();
        builds.put(THIS_BUILD, Path.of(HopBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        builds.putAll(settings.compare());
        List<BuildPaths> paths = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> build : builds.entrySet()) {
                paths.add(new BuildPaths(ServerProcess.start(build.getKey(), build.getValue(), models)));
            }
            ClassifierPrompts prompts = ClassifierPrompts.choose(paths.get(0), models);
            hops(paths, prompts, settings, report, json);
        } finally {
            for (BuildPaths p : paths) {
                p.close();
            }
        }
        if (settings.model()) {
            json.put("model", ServedAndBare.run(models, Math.max(200, settings.calls() / 5), settings.jfr(), report));
        }
        report.write(results.resolve("hop.md"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(results.resolve("hop.json").toFile(), json);
    }

    private static void hops(List<BuildPaths> builds, ClassifierPrompts prompts, Settings s, Report report,
                             Map<String, Object> json) throws Exception {
        report.section("What runs", "Loopback, plaintext; the servers in a process of their own (one per build),"
                + " the client in another. *raw echo*: a trivial grpc-java service with the public API's and the"
                + " worker API's messages, served with our server defaults (GrpcServers: the bounded handler executor,"
                + " limits, keepalive, health, reflection), answering on the handler thread. *worker (echo)*: the"
                + " all-in-one's specialists worker hosting echo models (kind: echo: validation, the model's queue"
                + " and thread, metrics, timing; nothing computed). *gateway*: a gateway with the all-in-one's"
                + " settings and an API key, the models' adaptive concurrency limit held at 256 so that nothing is"
                + " refused; a domain hint skips classification, the 64-token prompts go through the classifier"
                + " (lexical tier: " + prompts.lexicalRoute() + "; MiniLM: " + prompts.embeddingRoute() + ")."
                + " Every call asks for " + BuildPaths.NEW_TOKENS + " new tokens and has a " + BuildPaths.DEADLINE_SECONDS
                + " s deadline."
                + " The worker API has only a streamed Generate: the worker rows are that call in both modes, read"
                + " to its end." + (builds.size() > 1 ? " Builds compared: " + builds.stream().map(b -> b.servers.build)
                .toList() + " (each with its own servers; the raw echo and the classifier paths are this build's)."
                : "") + "\n\n"
                + "Warm-up: per path " + s.warmUp() + " calls one at a time, then " + s.warmUpSeconds() + " s with "
                + s.inFlight() + " in flight (MiniLM: a tenth of each), unmeasured. One call in flight: " + s.calls()
                + " calls per path (MiniLM: a tenth), the paths taking turns in " + s.rounds() + " rounds. Many in"
                + " flight: " + s.inFlight() + " calls kept in flight (a call that ends starts the next) for "
                + s.seconds() + " s per path, counted in " + s.rounds() + " turns. *Server CPU per call* is the servers' process CPU time"
                + " divided by the calls, and *server KB per call* the bytes its threads allocated: unlike latency,"
                + " neither depends much on what else runs on the machine. The client's own cost is the same for"
                + " every path and is left out. Where the time went, what each change bought, and what is left:"
                + " [hop-findings.md](hop-findings.md).");
        Map<String, Object> modes = new LinkedHashMap<>();
        for (boolean streaming : new boolean[] {false, true}) {
            String mode = streaming ? "streaming" : "unary";
            List<Probe> probes = new ArrayList<>();
            for (BuildPaths paths : builds) {
                boolean self = paths == builds.get(0);
                probes.addAll(paths.probes(streaming, self, s.classifier(), prompts,
                        builds.size() > 1 ? " [" + paths.servers.build + "]" : ""));
            }
            Map<Probe, PathResult> measured = new LinkedHashMap<>();
            probes.forEach(p -> measured.put(p, new PathResult()));
            Runs.warmUp(probes, s.warmUp(), s.inFlight(), s.warmUpSeconds());
            Runs.latency(probes, measured, s.calls(), s.rounds());
            Runs.throughput(probes, measured, s.inFlight(), s.seconds(), s.rounds());
            HopTables.table(report, mode, measured, s.inFlight());
            if (builds.size() > 1) {
                HopTables.byBuild(report, mode, measured, s.inFlight());
            }
            modes.put(mode, HopTables.toJson(measured));
            json.put("targets_" + mode, HopTables.targets(report, mode, measured));
            if (s.jfr()) {
                profile(report, mode, probes, builds, s);
            }
        }
        json.put("modes", modes);
    }

    /**
     * A Java Flight Recorder profile of this build's raw echo, worker and gateway with a hint, and of the first
     * compared build's gateway, each alone with many calls in flight (where CPU per call and hand-offs show
     * best), recorded in the servers' process and summarized per call.
     */
    private static void profile(Report report, String mode, List<Probe> probes, List<BuildPaths> builds, Settings s)
            throws Exception {
        double seconds = Math.max(JFR_SECONDS, s.seconds());
        report.section("Where the time goes, " + mode + " (Java Flight Recorder)", "Each path alone with "
                + s.inFlight() + " calls in flight for " + seconds + " s, recorded in the servers' process with the"
                + " `profile` settings, CPU samples every 1 ms, and every thread park and contended monitor"
                + " (threshold 0). CPU samples are of threads running Java code (a thread in a system call, such as"
                + " a socket write, is not sampled). Recordings: `load-tests/target/hop-jfr/` (`jfr summary`,"
                + " `jfr print --events jdk.ThreadPark`).");
        List<Probe> profiled = new ArrayList<>();
        for (Probe p : probes) {
            boolean self = p.build().equals(THIS_BUILD) && List.of(RAW, WORKER, GATEWAY).contains(p.role());
            boolean before = builds.size() > 1 && p.build().equals(builds.get(1).servers.build) && p.role().equals(GATEWAY);
            if (self || before) {
                profiled.add(p);
            }
        }
        Path dir = Path.of("load-tests/target/hop-jfr").toAbsolutePath();
        Files.createDirectories(dir);
        for (Probe probe : profiled) {
            String slug = (mode + "-" + probe.role() + "-" + probe.build()).replaceAll("[^A-Za-z0-9]+", "-");
            Runs.closedLoop(probe, new PathResult(), s.inFlight(), 0.5);
            PathResult recorded = new PathResult();
            probe.servers().jfrStart(slug);
            Runs.closedLoop(probe, recorded, s.inFlight(), seconds);
            Path summary = dir.resolve(slug + ".md");
            probe.servers().jfrStop(dir.resolve(slug + ".jfr"), summary, recorded.throughputCalls,
                    recorded.throughputAllocatedBytes);
            report.section(probe.name() + ", " + mode + (probe.build().equals(THIS_BUILD) ? "" : " (" + probe.build()
                    + ")"), Files.readString(summary));
        }
    }

}
