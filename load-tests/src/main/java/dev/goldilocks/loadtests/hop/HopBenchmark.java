package dev.goldilocks.loadtests.hop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.goldilocks.gateway.AllInOne;
import dev.goldilocks.gateway.GatewayServer;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.loadtests.Report;
import dev.goldilocks.loadtests.RouterBenchmark;
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
 * (p50, p99) and at many (requests per second), unary and streaming. Then the math specialist's short
 * generation through the worker against its own model steps called in a loop. With --jfr, a Java Flight
 * Recorder profile of each path, summarized per call.
 *
 * <pre>load-tests/run.sh hop [--calls 10000] [--warmup 2000] [--rounds 10] [--seconds 5] [--in-flight 64]
 *                        [--jfr] [--quick] [--no-model] [--no-classifier]</pre>
 */
public final class HopBenchmark {

    private static final String API_KEY = "hop-benchmark-key";
    private static final int NEW_TOKENS = 4;
    private static final String MATH_PROMPT = "What is 21 + 34?";
    private static final long DEADLINE_SECONDS = 30;
    /** A profile records at least this long: JFR takes a few hundred CPU samples a second here. */
    private static final double JFR_SECONDS = 10;

    private HopBenchmark() {
    }

    /** The run's knobs. */
    record Settings(int calls, int warmUp, int rounds, double seconds, int inFlight, boolean jfr, boolean model,
                    boolean classifier) {
        static Settings parse(String[] args) {
            int calls = 10_000;
            int warmUp = 2_000;
            int rounds = 10;
            double seconds = 5;
            int inFlight = 64;
            boolean jfr = false;
            boolean model = true;
            boolean classifier = true;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--calls" -> calls = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmUp = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                    case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                    case "--jfr" -> jfr = true;
                    case "--no-model" -> model = false;
                    case "--no-classifier" -> classifier = false;
                    case "--quick" -> {
                        calls = 2_000;
                        warmUp = 500;
                        rounds = 4;
                        seconds = 2;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; known: --calls N --warmup N --rounds N --seconds S --in-flight N --jfr --quick --no-model"
                            + " --no-classifier");
                }
            }
            return new Settings(calls, warmUp, rounds, seconds, inFlight, jfr, model, classifier);
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
        try (RawEcho raw = RawEcho.start();
             AllInOne all = AllInOne.start(models, "127.0.0.1", 0, -1, new AllInOne.Options(0, 0, -1).withEcho())) {
            GatewayServer gateway = GatewayServer.start(gatewayConfig(all.gatewayConfig()));
            try {
                Paths paths = new Paths(raw.port(), all.specialistWorkerPort(), gateway.port(), models);
                try {
                    hops(paths, settings, report, json, results);
                } finally {
                    paths.close();
                }
            } finally {
                gateway.close();
            }
        }
        if (settings.model()) {
            json.put("model", modelSteps(models, settings, report));
        }
        report.write(results.resolve("hop.md"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(results.resolve("hop.json").toFile(), json);
    }

    /**
     * The all-in-one's own gateway settings (its routing, limits and prices) with an API key, as a production
     * gateway has, and each model's adaptive concurrency limit (gradient2, the default algorithm) held at 256,
     * so that no call is refused at the benchmark's load: the run measures the path, not the limiter's choice.
     */
    private static GatewayConfig gatewayConfig(GatewayConfig allInOne) {
        return allInOne.withPort(0).withMetricsPort(-1)
                .withApiKeys(List.of(new ApiKey("hop-benchmark", ApiKey.hash(API_KEY), 1e6)))
                .withDispatch(DispatchSettings.defaults().withModelLimit(
                        new ModelLimitSettings(ModelLimitSettings.GRADIENT2, 256, 256, 256)));
    }

    /** The channels and calls of every path. */
    private static final class Paths implements AutoCloseable {
        final ManagedChannel raw;
        final ManagedChannel worker;
        final ManagedChannel gateway;
        final String lexicalPrompt;
        final String embeddingPrompt;
        final String lexicalRoute;
        final String embeddingRoute;

        Paths(int rawPort, int workerPort, int gatewayPort, Path models) throws Exception {
            raw = channel(rawPort);
            worker = channel(workerPort);
            gateway = channel(gatewayPort);
            // 64-token prompts of the held-out routing set: the first the lexical tier answers, the first that
            // needs MiniLM, as the gateway routes them
            String lexical = null;
            String embedding = null;
            String lexicalReason = null;
            String embeddingReason = null;
            List<String> prompts = RouterBenchmark.sixtyFourTokenPrompts(LabelledPrompt.read(
                    models.resolve("routing/test.jsonl")).stream().map(LabelledPrompt::prompt).toList());
            for (String prompt : prompts) {
                GenerateResponse r = gateway().generate(request(prompt, ""));
                if (lexical == null && r.getRoute().getReason().startsWith("lexical tier")) {
                    lexical = prompt;
                    lexicalReason = r.getRoute().getModel() + " (" + r.getRoute().getReason() + ")";
                } else if (embedding == null && r.getRoute().getReason().startsWith("MiniLM")) {
                    embedding = prompt;
                    embeddingReason = r.getRoute().getModel() + " (" + r.getRoute().getReason() + ")";
                }
                if (lexical != null && embedding != null) {
                    break;
                }
            }
            if (lexical == null || embedding == null) {
                throw new IllegalStateException("no 64-token routing prompt answered by each tier of the classifier");
            }
            lexicalPrompt = lexical;
            embeddingPrompt = embedding;
            lexicalRoute = lexicalReason;
            embeddingRoute = embeddingReason;
        }

        private static ManagedChannel channel(int port) {
            // callbacks of calls started without waiting run on the event loop, which starts the next call
            return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
        }

        GoldilocksGrpc.GoldilocksBlockingStub gateway() {
            return GoldilocksGrpc.newBlockingStub(gateway).withInterceptors(key())
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }

        GoldilocksGrpc.GoldilocksStub gatewayAsync() {
            return GoldilocksGrpc.newStub(gateway).withInterceptors(key())
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }

        private static io.grpc.ClientInterceptor key() {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), API_KEY);
            return MetadataUtils.newAttachHeadersInterceptor(headers);
        }

        /** Every path in one mode: unary (the whole answer in one message) or streaming. */
        List<Probe> probes(boolean streaming, boolean classifier) {
            GenerateRequest hinted = request(MATH_PROMPT, "math");
            WorkerGenerateRequest direct = WorkerGenerateRequest.newBuilder().setModel("math-specialist")
                    .setPrompt(MATH_PROMPT).setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build();
            List<Probe> probes = new ArrayList<>();
            probes.add(publicApi(streaming ? "raw echo, GenerateStream" : "raw echo, Generate", 1, raw, hinted,
                    streaming, false));
            probes.add(new Probe("raw echo, worker API Generate", 1,
                    () -> WorkerGrpc.newBlockingStub(raw).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .generate(direct).forEachRemaining(c -> { }),
                    o -> WorkerGrpc.newStub(raw).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .generate(direct, cast(o))));
            probes.add(new Probe("client -> worker (echo)", 1,
                    () -> WorkerGrpc.newBlockingStub(worker).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .generate(direct).forEachRemaining(c -> { }),
                    o -> WorkerGrpc.newStub(worker).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .generate(direct, cast(o))));
            probes.add(publicApi("client -> gateway -> worker, domain hint", 1, gateway, hinted, streaming, true));
            if (classifier) {
                probes.add(publicApi("the same, classified by the lexical tier (64 tokens)", 1, gateway,
                        request(lexicalPrompt, ""), streaming, true));
                probes.add(publicApi("the same, classified by MiniLM (64 tokens)", 0.1, gateway,
                        request(embeddingPrompt, ""), streaming, true));
            }
            return probes;
        }

        private Probe publicApi(String name, double share, ManagedChannel channel, GenerateRequest request,
                                boolean streaming, boolean keyed) {
            return new Probe(name, share, () -> {
                GoldilocksGrpc.GoldilocksBlockingStub stub = keyed ? gateway()
                        : GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
                if (streaming) {
                    stub.generateStream(request).forEachRemaining(c -> { });
                } else {
                    stub.generate(request);
                }
            }, o -> {
                GoldilocksGrpc.GoldilocksStub stub = keyed ? gatewayAsync()
                        : GoldilocksGrpc.newStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
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
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> io.grpc.stub.StreamObserver<T> cast(io.grpc.stub.StreamObserver<Object> observer) {
        return (io.grpc.stub.StreamObserver<T>) (io.grpc.stub.StreamObserver<?>) observer;
    }

    private static GenerateRequest request(String prompt, String hint) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setDomainHint(hint)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build();
    }

    private static void hops(Paths paths, Settings s, Report report, Map<String, Object> json, Path results)
            throws Exception {
        report.section("What runs", "One process, loopback, plaintext. *raw echo*: a trivial grpc-java service with"
                + " the public API's and the worker API's messages, served with our server defaults (GrpcServers: the"
                + " bounded handler executor, limits, keepalive, health, reflection), answering on the handler thread."
                + " *worker (echo)*: the all-in-one's specialists worker hosting echo models (kind: echo: validation,"
                + " the model's queue and thread, metrics, timing; nothing computed). *gateway*: a gateway with the"
                + " all-in-one's settings and an API key, the models' adaptive concurrency limit held at 256 so that"
                + " nothing is refused; a domain hint skips classification, the 64-token prompts go through the"
                + " classifier (lexical tier: " + paths.lexicalRoute + "; MiniLM: " + paths.embeddingRoute + ")."
                + " Every call asks for " + NEW_TOKENS + " new tokens and has a " + DEADLINE_SECONDS + " s deadline."
                + " The worker API has only a streamed Generate: the worker rows are that call in both modes, read"
                + " to its end.\n\n"
                + "One call in flight: " + s.warmUp() + " warm-up calls per path, then " + s.calls() + " (MiniLM: a tenth),"
                + " the paths taking turns in " + s.rounds() + " rounds. Many in flight: " + s.inFlight() + " calls kept"
                + " in flight (a call that ends starts the next): each path 1 s unmeasured, then " + s.seconds() + " s"
                + " counted in " + s.rounds() + " turns."
                + " *CPU per call* is this process's CPU time (client, servers, JIT and GC) divided by the calls, and"
                + " *allocated per call* the bytes its threads allocated: unlike latency, neither depends much on what"
                + " else runs on the machine.");
        Map<String, Object> modes = new LinkedHashMap<>();
        for (boolean streaming : new boolean[] {false, true}) {
            String mode = streaming ? "streaming" : "unary";
            List<Probe> probes = paths.probes(streaming, s.classifier());
            Map<Probe, PathResult> measured = new LinkedHashMap<>();
            probes.forEach(p -> measured.put(p, new PathResult()));
            Runs.warmUp(probes, s.warmUp());
            Runs.latency(probes, measured, s.calls(), s.rounds());
            Runs.throughput(probes, measured, s.inFlight(), 1, s.seconds(), s.rounds());
            table(report, mode, measured, s.inFlight());
            modes.put(mode, toJson(measured));
            json.put("targets_" + mode, targets(report, mode, new ArrayList<>(measured.values())));
            if (s.jfr()) {
                profile(report, mode, probes, s, results);
            }
        }
        json.put("modes", modes);
    }

    private static void table(Report report, String mode, Map<Probe, PathResult> measured, int inFlight) {
        PathResult floor = measured.values().iterator().next();
        report.section("Latency and throughput, " + mode, "");
        report.header("path", "p50 µs", "p99 µs", "CPU µs per call", "KB allocated per call",
                "requests/s at " + inFlight + " in flight", "share of the raw echo's", "CPU µs per call there",
                "failed calls");
        measured.forEach((probe, r) -> report.row(probe.name(), f0(r.p50Micros()), f0(r.p99Micros()),
                f0(r.cpuMicrosPerCall()), f1(r.kilobytesPerCall()), f0(r.requestsPerSecond),
                pct(r.requestsPerSecond / floor.requestsPerSecond), f0(r.throughputCpuMicrosPerCall()),
                r.errors.isEmpty() ? "0" : r.errors.toString()));
    }

    /**
     * The targets as ratios of this run's own floors: results in the order of {@link Paths#probes}
     * (raw public API, raw worker API, worker, gateway with a hint, ...).
     */
    private static List<Map<String, Object>> targets(Report report, String mode, List<PathResult> r) {
        PathResult rawPublic = r.get(0);
        PathResult rawWorker = r.get(1);
        PathResult worker = r.get(2);
        PathResult gateway = r.get(3);
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
            m.put("calls", r.latency.getTotalCount());
            m.put("p50_us", r.p50Micros());
            m.put("p90_us", r.latency.getValueAtPercentile(90) / 1e3);
            m.put("p99_us", r.p99Micros());
            m.put("mean_us", r.latency.getMean() / 1e3);
            m.put("cpu_us_per_call", r.cpuMicrosPerCall());
            m.put("kb_allocated_per_call", r.kilobytesPerCall());
            m.put("requests_per_second", r.requestsPerSecond);
            m.put("throughput_calls", r.throughputCalls);
            m.put("throughput_cpu_us_per_call", r.throughputCpuMicrosPerCall());
            m.put("throughput_kb_allocated_per_call", r.throughputKilobytesPerCall());
            m.put("errors", r.errors);
            out.put(probe.name(), m);
        });
        return out;
    }

    /**
     * A Java Flight Recorder profile of the raw echo, the worker and the gateway with a hint, each with many
     * calls in flight (where CPU per call and hand-offs show best), summarized per call.
     */
    private static void profile(Report report, String mode, List<Probe> probes, Settings s, Path results)
            throws Exception {
        report.section("Where the time goes, " + mode + " (Java Flight Recorder)", "Each path alone with "
                + s.inFlight() + " calls in flight for " + Math.max(JFR_SECONDS, s.seconds()) + " s, recorded with the `profile` settings,"
                + " CPU samples every 1 ms, and every thread park and contended monitor (threshold 0). CPU samples"
                + " are of threads running Java code (a thread in a system call, such as a socket write, is not"
                + " sampled). Recordings: `load-tests/target/hop-jfr/` (`jfr summary`, `jfr print --events"
                + " jdk.ThreadPark`).");
        for (Probe probe : List.of(probes.get(0), probes.get(2), probes.get(3))) {
            String slug = mode + "-" + probe.name().replaceAll("[^a-z]+", "-").replaceAll("(^-|-$)", "");
            Runs.closedLoop(probe, new PathResult(), s.inFlight(), 0.5);
            PathResult recorded = new PathResult();
            JfrProfile jfr = JfrProfile.start(slug);
            Runs.closedLoop(probe, recorded, s.inFlight(), Math.max(JFR_SECONDS, s.seconds()));
            String summary = jfr.stop(Path.of("load-tests/target/hop-jfr/" + slug + ".jfr"), recorded.throughputCalls,
                    recorded.throughputAllocatedBytes);
            report.section(probe.name() + ", " + mode, summary);
        }
    }

    /**
     * The math specialist's short generation through a worker of its own (a real model, as the all-in-one
     * configures it) against its model steps called in a loop on a session with the same options.
     */
    private static Map<String, Object> modelSteps(Path models, Settings s, Report report) throws Exception {
        ModelConfig config = new ModelConfig("math-specialist", ModelConfig.CAUSAL_LM, models.resolve("math-specialist"),
                "cpu", 1, 16, 64, 256);
        int calls = Math.max(200, s.calls() / 5);
        Histogram served = new Histogram(3);
        Histogram steps = new Histogram(3);
        int servedTokens;
        int loopTokens;
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
            for (int i = 0; i < calls + calls / 5; i++) {
                boolean measure = i >= calls / 5;
                long t0 = System.nanoTime();
                stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).generate(request).forEachRemaining(c -> {
                    if (c.getFinishReason() != dev.goldilocks.proto.v1.FinishReason.FINISH_REASON_UNSPECIFIED) {
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
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            worker.close();
            placement.close();
        }
        report.section("A real model: the math specialist, served and bare",
                calls + " greedy generations of '" + MATH_PROMPT + "' (at most " + NEW_TOKENS + " new tokens; "
                + servedTokens + " generated through the worker, " + loopTokens + " in the loop), alternating: through"
                + " a worker of its own (as the all-in-one configures it, one intra-op thread) with a client on"
                + " loopback, and its prompt and decoding steps called in a loop on a session with the same options"
                + " (no gRPC, queue, tokenizer or text).");
        report.header("path", "p50 ms", "p99 ms");
        report.row("client -> worker Generate", ms(served.getValueAtPercentile(50)), ms(served.getValueAtPercentile(99)));
        report.row("model steps in a loop", ms(steps.getValueAtPercentile(50)), ms(steps.getValueAtPercentile(99)));
        report.row("serving adds", ms(served.getValueAtPercentile(50) - steps.getValueAtPercentile(50)),
                ms(served.getValueAtPercentile(99) - steps.getValueAtPercentile(99)));
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
