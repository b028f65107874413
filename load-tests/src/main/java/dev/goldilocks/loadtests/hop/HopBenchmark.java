package dev.goldilocks.loadtests.hop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.goldilocks.loadtests.Report;
import dev.goldilocks.loadtests.RouterBenchmark;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.router.classify.LabelledPrompt;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.Placement;
import dev.goldilocks.worker.model.SessionFactory;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

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
 * <pre>load-tests/run.sh hop [--calls 10000] [--warmup 2000] [--warmup-seconds 5] [--rounds 10] [--seconds 5] [--in-flight 64]
 *                        [--jfr] [--quick] [--no-model] [--no-classifier] [--baseline REV[,REV...]]</pre>
 */
public final class HopBenchmark {

    private static final int NEW_TOKENS = 4;
    private static final String MATH_PROMPT = "What is 21 + 34?";
    private static final long DEADLINE_SECONDS = 30;
    /** A profile records at least this long: JFR takes a few hundred CPU samples a second here. */
    private static final double JFR_SECONDS = 10;
    private static final String THIS_BUILD = "this build";

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
                            + " --quick --no-model"
                            + " --no-classifier --compare NAME=LOAD_TESTS_JAR");
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
        List<Paths> paths = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> build : builds.entrySet()) {
                paths.add(new Paths(ServerProcess.start(build.getKey(), build.getValue(), models)));
            }
            Prompts prompts = Prompts.choose(paths.get(0), models);
            hops(paths, prompts, settings, report, json, results);
        } finally {
            for (Paths p : paths) {
                p.close();
            }
        }
        if (settings.model()) {
            json.put("model", modelSteps(models, settings, report));
        }
        report.write(results.resolve("hop.md"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(results.resolve("hop.json").toFile(), json);
    }

    /** 64-token prompts of the held-out routing set: the first the lexical tier answers, the first that needs MiniLM. */
    private record Prompts(String lexical, String lexicalRoute, String embedding, String embeddingRoute) {
        static Prompts choose(Paths paths, Path models) throws Exception {
            String lexical = null;
            String embedding = null;
            String lexicalRoute = null;
            String embeddingRoute = null;
            for (String prompt : RouterBenchmark.sixtyFourTokenPrompts(LabelledPrompt.read(
                    models.resolve("routing/test.jsonl")).stream().map(LabelledPrompt::prompt).toList())) {
                GenerateResponse r = paths.gateway().generate(request(prompt, ""));
                String route = r.getRoute().getModel() + " (" + r.getRoute().getReason() + ")";
                if (lexical == null && r.getRoute().getReason().startsWith("lexical tier")) {
                    lexical = prompt;
                    lexicalRoute = route;
                } else if (embedding == null && r.getRoute().getReason().startsWith("MiniLM")) {
                    embedding = prompt;
                    embeddingRoute = route;
                }
                if (lexical != null && embedding != null) {
                    return new Prompts(lexical, lexicalRoute, embedding, embeddingRoute);
                }
            }
            throw new IllegalStateException("no 64-token routing prompt answered by each tier of the classifier");
        }
    }

    /** One build's servers, the channels to them and the calls of every path. */
    private static final class Paths implements AutoCloseable {
        final ServerProcess servers;
        final ManagedChannel raw;
        final ManagedChannel worker;
        final ManagedChannel gateway;

        Paths(ServerProcess servers) {
            this.servers = servers;
            raw = channel(servers.rawPort);
            worker = channel(servers.workerPort);
            gateway = channel(servers.gatewayPort);
        }

        private static ManagedChannel channel(int port) {
            // callbacks of calls started without waiting run on the event loop, which starts the next call
            return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
        }

        GoldilocksGrpc.GoldilocksBlockingStub gateway() {
            return GoldilocksGrpc.newBlockingStub(gateway).withInterceptors(key())
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }

        private static io.grpc.ClientInterceptor key() {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), HopServers.API_KEY);
            return MetadataUtils.newAttachHeadersInterceptor(headers);
        }

        /**
         * This build's paths in one mode, unary (the whole answer in one message) or streaming: the raw echo's
         * and the classifier's only for {@code everything} (this build), the worker and the gateway for every build.
         */
        List<Probe> probes(boolean streaming, boolean everything, boolean classifier, Prompts prompts, String suffix) {
            GenerateRequest hinted = request(MATH_PROMPT, "math");
            WorkerGenerateRequest direct = WorkerGenerateRequest.newBuilder().setModel("math-specialist")
                    .setPrompt(MATH_PROMPT).setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build();
            List<Probe> probes = new ArrayList<>();
            if (everything) {
                probes.add(publicApi(streaming ? "raw echo, GenerateStream" : "raw echo, Generate", RAW, 1, raw,
                        hinted, streaming, false));
                probes.add(workerApi("raw echo, worker API Generate", RAW_WORKER, raw, direct));
            }
            probes.add(workerApi("client -> worker (echo)" + suffix, WORKER, worker, direct));
            probes.add(publicApi("client -> gateway -> worker, domain hint" + suffix, GATEWAY, 1, gateway, hinted,
                    streaming, true));
            if (everything && classifier) {
                probes.add(publicApi("the same, classified by the lexical tier (64 tokens)", LEXICAL, 1, gateway,
                        request(prompts.lexical(), ""), streaming, true));
                probes.add(publicApi("the same, classified by MiniLM (64 tokens)", MINILM, 0.1, gateway,
                        request(prompts.embedding(), ""), streaming, true));
            }
            return probes;
        }

        private Probe workerApi(String name, String role, ManagedChannel channel, WorkerGenerateRequest request) {
            return new Probe(name, role, servers.build, servers, 1,
                    () -> WorkerGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .generate(request).forEachRemaining(c -> { }),
                    o -> WorkerGrpc.newStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .generate(request, cast(o)));
        }

        private Probe publicApi(String name, String role, double share, ManagedChannel channel, GenerateRequest request,
                                boolean streaming, boolean keyed) {
            return new Probe(name, role, servers.build, servers, share, () -> {
                GoldilocksGrpc.GoldilocksBlockingStub stub = GoldilocksGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
                stub = keyed ? stub.withInterceptors(key()) : stub;
                if (streaming) {
                    stub.generateStream(request).forEachRemaining(c -> { });
                } else {
                    stub.generate(request);
                }
            }, o -> {
                GoldilocksGrpc.GoldilocksStub stub = GoldilocksGrpc.newStub(channel)
                        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
                stub = keyed ? stub.withInterceptors(key()) : stub;
                if (streaming) {
                    stub.generateStream(request, cast(o));
                } else {
                    stub.generate(request, cast(o));
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            for (ManagedChannel c : List.of(raw, worker, gateway)) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            servers.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> cast(StreamObserver<Object> observer) {
        return (StreamObserver<T>) (StreamObserver<?>) observer;
    }

    private static GenerateRequest request(String prompt, String hint) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setDomainHint(hint)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build();
    }

    private static void hops(List<Paths> builds, Prompts prompts, Settings s, Report report, Map<String, Object> json,
                             Path results) throws Exception {
        report.section("What runs", "Loopback, plaintext; the servers in a process of their own (one per build),"
                + " the client in another. *raw echo*: a trivial grpc-java service with the public API's and the"
                + " worker API's messages, served with our server defaults (GrpcServers: the bounded handler executor,"
                + " limits, keepalive, health, reflection), answering on the handler thread. *worker (echo)*: the"
                + " all-in-one's specialists worker hosting echo models (kind: echo: validation, the model's queue"
                + " and thread, metrics, timing; nothing computed). *gateway*: a gateway with the all-in-one's"
                + " settings and an API key, the models' adaptive concurrency limit held at 256 so that nothing is"
                + " refused; a domain hint skips classification, the 64-token prompts go through the classifier"
                + " (lexical tier: " + prompts.lexicalRoute() + "; MiniLM: " + prompts.embeddingRoute() + ")."
                + " Every call asks for " + NEW_TOKENS + " new tokens and has a " + DEADLINE_SECONDS + " s deadline."
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
            for (Paths paths : builds) {
                boolean self = paths == builds.get(0);
                probes.addAll(paths.probes(streaming, self, s.classifier(), prompts,
                        builds.size() > 1 ? " [" + paths.servers.build + "]" : ""));
            }
            Map<Probe, PathResult> measured = new LinkedHashMap<>();
            probes.forEach(p -> measured.put(p, new PathResult()));
            Runs.warmUp(probes, s.warmUp(), s.inFlight(), s.warmUpSeconds());
            Runs.latency(probes, measured, s.calls(), s.rounds());
            Runs.throughput(probes, measured, s.inFlight(), s.seconds(), s.rounds());
            table(report, mode, measured, s.inFlight());
            if (builds.size() > 1) {
                byBuild(report, mode, measured, s.inFlight());
            }
            modes.put(mode, toJson(measured));
            json.put("targets_" + mode, targets(report, mode, measured));
            if (s.jfr()) {
                profile(report, mode, probes, builds, s, results);
            }
        }
        json.put("modes", modes);
    }

    private static void table(Report report, String mode, Map<Probe, PathResult> measured, int inFlight) {
        PathResult floor = measured.values().iterator().next();
        report.section("Latency and throughput, " + mode, "");
        report.header("path", "p50 µs", "p99 µs", "server CPU µs per call", "server KB per call",
                "requests/s at " + inFlight + " in flight", "share of the raw echo's", "server CPU µs per call there",
                "failed calls");
        measured.forEach((probe, r) -> report.row(probe.name(), f0(r.p50Micros()), f0(r.p99Micros()),
                f0(r.cpuMicrosPerCall()), f1(r.kilobytesPerCall()), f0(r.requestsPerSecond),
                pct(r.requestsPerSecond / floor.requestsPerSecond), f0(r.throughputCpuMicrosPerCall()),
                r.errors.isEmpty() ? "0" : r.errors.toString()));
    }

    /** The worker and gateway paths of every build, side by side (measured in the same rounds). */
    private static void byBuild(Report report, String mode, Map<Probe, PathResult> measured, int inFlight) {
        report.section("Builds side by side, " + mode, "The same paths of each build's servers, measured in the same"
                + " rounds; CPU and allocation are the servers' process's.");
        report.header("path", "build", "p50 µs", "p99 µs", "server CPU µs per call", "server KB per call",
                "server CPU µs per call at " + inFlight + " in flight", "requests/s at " + inFlight + " in flight");
        for (String role : List.of(WORKER, GATEWAY)) {
            measured.forEach((probe, r) -> {
                if (probe.role().equals(role)) {
                    report.row(role, probe.build(), f0(r.p50Micros()), f0(r.p99Micros()), f0(r.cpuMicrosPerCall()),
                            f1(r.kilobytesPerCall()), f0(r.throughputCpuMicrosPerCall()), f0(r.requestsPerSecond));
                }
            });
        }
    }

    /** The targets as ratios of this run's own floors, for this build. */
    private static List<Map<String, Object>> targets(Report report, String mode, Map<Probe, PathResult> measured) {
        Map<String, PathResult> self = new LinkedHashMap<>();
        measured.forEach((probe, r) -> {
            if (probe.build().equals(THIS_BUILD)) {
                self.put(probe.role(), r);
            }
        });
        PathResult rawPublic = self.get(RAW);
        PathResult rawWorker = self.get(RAW_WORKER);
        PathResult worker = self.get(WORKER);
        PathResult gateway = self.get(GATEWAY);
        List<Map<String, Object>> out = new ArrayList<>();
        report.section("Targets, " + mode, "A raw hop is the raw echo's latency for the same call (the worker API's"
                + " Generate for the worker, the public API's call for the gateway).");
        report.header("target", "measured", "limit", "met");
        target(report, out, "worker p50 over the raw echo, in raw hops (p50)",
                (worker.p50Micros() - rawWorker.p50Micros()) / rawWorker.p50Micros(), 1.0);
        target(report, out, "gateway p50 over the direct worker call, in raw hops (p50)",
                (gateway.p50Micros() - worker.p50Micros()) / rawPublic.p50Micros(), 1.5);
        target(report, out, "gateway p99 over the direct worker call, in raw hops (p99)",
                (gateway.p99Micros() - worker.p99Micros()) / rawPublic.p99Micros(), 3.0);
        double share = gateway.requestsPerSecond / rawPublic.requestsPerSecond;
        report.row("gateway + worker requests/s, share of the raw echo's", pct(share), "at least 40%",
                share >= 0.4 ? "yes" : "**no**");
        out.add(Map.of("target", "gateway + worker requests/s, share of the raw echo's", "measured", share,
                "at_least", 0.4, "met", share >= 0.4));
        return out;
    }

    private static void target(Report report, List<Map<String, Object>> out, String name, double measured, double limit) {
        report.row(name, String.format("%.2f", measured), "at most " + limit, measured <= limit ? "yes" : "**no**");
        out.add(Map.of("target", name, "measured", measured, "at_most", limit, "met", measured <= limit));
    }

    private static Map<String, Object> toJson(Map<Probe, PathResult> measured) {
        Map<String, Object> out = new LinkedHashMap<>();
        measured.forEach((probe, r) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", probe.role());
            m.put("build", probe.build());
            m.put("calls", r.latency.getTotalCount());
            m.put("p50_us", r.p50Micros());
            m.put("p90_us", r.latency.getValueAtPercentile(90) / 1e3);
            m.put("p99_us", r.p99Micros());
            m.put("mean_us", r.latency.getMean() / 1e3);
            m.put("server_cpu_us_per_call", r.cpuMicrosPerCall());
            m.put("server_kb_allocated_per_call", r.kilobytesPerCall());
            m.put("requests_per_second", r.requestsPerSecond);
            m.put("throughput_calls", r.throughputCalls);
            m.put("throughput_server_cpu_us_per_call", r.throughputCpuMicrosPerCall());
            m.put("throughput_server_kb_allocated_per_call", r.throughputKilobytesPerCall());
            m.put("errors", r.errors);
            out.put(probe.name(), m);
        });
        return out;
    }

    /**
     * A Java Flight Recorder profile of this build's raw echo, worker and gateway with a hint, and of the first
     * compared build's gateway, each alone with many calls in flight (where CPU per call and hand-offs show
     * best), recorded in the servers' process and summarized per call.
     */
    private static void profile(Report report, String mode, List<Probe> probes, List<Paths> builds, Settings s,
                                Path results) throws Exception {
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

    /**
     * The math specialist's short generation through a worker of its own (a real model, as the all-in-one
     * configures it) against its model steps called in a loop on a session with the same options; both here.
     */
    private static Map<String, Object> modelSteps(Path models, Settings s, Report report) throws Exception {
        ModelConfig config = new ModelConfig("math-specialist", ModelConfig.CAUSAL_LM, models.resolve("math-specialist"),
                "cpu", 1, 16, 64, 256);
        int calls = Math.max(200, s.calls() / 5);
        Histogram served = new Histogram(3);
        Histogram steps = new Histogram(3);
        int servedTokens;
        int loopTokens;
        String profile = null;
        WorkerServer worker = WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, 64, List.of(config), -1));
        Placement placement = SessionFactory.place(config);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", worker.port()).usePlaintext().build();
        try (CausalLm model = CausalLm.load(config.name(), config.path(), SessionFactory.environment(),
                placement.options())) {
            ModelSteps loop = new ModelSteps(model);
            int[] prompt = model.encode(MATH_PROMPT);
            WorkerGenerateRequest request = WorkerGenerateRequest.newBuilder().setModel(config.name())
                    .setPrompt(MATH_PROMPT).setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build();
            WorkerGrpc.WorkerBlockingStub stub = WorkerGrpc.newBlockingStub(channel);
            int[] seen = new int[2];
            JfrProfile jfr = null;
            long allocatedAtStart = 0;
            for (int i = 0; i < calls + calls / 5; i++) {
                boolean measure = i >= calls / 5;
                if (s.jfr() && i == calls / 5) {
                    allocatedAtStart = Usage.now().allocatedBytes;
                    jfr = JfrProfile.start("math-specialist");
                }
                long t0 = System.nanoTime();
                stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).generate(request).forEachRemaining(c -> {
                    if (c.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                        seen[0] = c.getCompletionTokens();
                    }
                });
                long t1 = System.nanoTime();
                seen[1] = loop.generate(prompt, NEW_TOKENS);
                long t2 = System.nanoTime();
                if (measure) {
                    served.recordValue(t1 - t0);
                    steps.recordValue(t2 - t1);
                }
            }
            servedTokens = seen[0];
            loopTokens = seen[1];
            if (jfr != null) {
                Path dir = Path.of("load-tests/target/hop-jfr").toAbsolutePath();
                profile = jfr.stop(dir.resolve("math-specialist.jfr"), calls,
                        Usage.now().allocatedBytes - allocatedAtStart);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            worker.close();
            placement.close();
        }
        report.section("A real model: the math specialist, served and bare",
                calls + " greedy generations of '" + MATH_PROMPT + "' (at most " + NEW_TOKENS + " new tokens; "
                + servedTokens + " generated through the worker, " + loopTokens + " in the loop), alternating, both in"
                + " this process: through a worker of its own (as the all-in-one configures it, one intra-op thread)"
                + " with a client on loopback, and its prompt and decoding steps called in a loop on a session with"
                + " the same options (no gRPC, queue, tokenizer or text).");
        report.header("path", "p50 ms", "p99 ms");
        report.row("client -> worker Generate", ms(served.getValueAtPercentile(50)), ms(served.getValueAtPercentile(99)));
        report.row("model steps in a loop", ms(steps.getValueAtPercentile(50)), ms(steps.getValueAtPercentile(99)));
        report.row("serving adds", ms(served.getValueAtPercentile(50) - steps.getValueAtPercentile(50)),
                ms(served.getValueAtPercentile(99) - steps.getValueAtPercentile(99)));
        if (profile != null) {
            report.section("Where the math specialist's time goes (Java Flight Recorder)", "The measured calls above,"
                    + " both kinds, in this process: the worker's decode thread (decode-math-specialist) runs the served"
                    + " generations' steps and everything around them, the main thread the bare loop and the client."
                    + " Per call below means per pair of calls (one served, one bare).\n\n" + profile);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("calls", calls);
        out.put("served_tokens", servedTokens);
        out.put("loop_tokens", loopTokens);
        out.put("served_p50_ms", served.getValueAtPercentile(50) / 1e6);
        out.put("served_p99_ms", served.getValueAtPercentile(99) / 1e6);
        out.put("steps_p50_ms", steps.getValueAtPercentile(50) / 1e6);
        out.put("steps_p99_ms", steps.getValueAtPercentile(99) / 1e6);
        return out;
    }

    private static String ms(long nanos) {
        return String.format("%.3f", nanos / 1e6);
    }

    private static String f0(double v) {
        return String.format("%.0f", v);
    }

    private static String f1(double v) {
        return String.format("%.1f", v);
    }

    private static String pct(double v) {
        return String.format("%.0f%%", 100 * v);
    }
}
