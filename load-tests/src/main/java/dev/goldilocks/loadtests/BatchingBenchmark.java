package dev.goldilocks.loadtests;

import dev.goldilocks.common.embed.OnnxSentenceEncoder;
import dev.goldilocks.proto.v1.EmbedRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerTiming;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.CudaSettings;
import dev.goldilocks.worker.config.ModelInfo;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.ModelFiles;
import dev.goldilocks.worker.model.Placement;
import dev.goldilocks.worker.model.SessionFactory;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The worker's batching, side by side in one run: throughput of Score, Embed and generation under 16,
 * 32 and 64 closed-loop clients with batching on and with batch size 1, and against ONNX Runtime called
 * directly in a loop at the batch size the server formed.
 */
public final class BatchingBenchmark {

    private static final int[] LOADS = {16, 32, 64};
    private static final String[] SECTIONS = {"score", "embed", "generate"};
    private static final int ROUNDS = 3;
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MEASURE_NANOS = TimeUnit.SECONDS.toNanos(6);
    private static final int THREADS = 2;
    /** cpu, or cuda:N on a GPU node (-Dgoldilocks.device=cuda:0 with a -Pcuda build). */
    private static final String DEVICE = System.getProperty("goldilocks.device", "cpu");
    private static final int MAX_BATCH = 64;
    private static final int NEW_TOKENS = 32;
    private static final String ENCODER_MODEL = "classpath:/all-minilm-l6-v2-q.onnx";
    private static final String ENCODER_TOKENIZER = "classpath:/all-minilm-l6-v2-q-tokenizer.json";

    /** One request kind: how to send one, and how much work (requests or tokens) its answer counts. */
    private interface Operation {
        int send(WorkerGrpc.WorkerBlockingStub worker, int client, Cell cell);
    }

    /** What one load level measured. */
    private static final class Cell {
        final Histogram latency = new ConcurrentHistogram(3);
        final AtomicLong units = new AtomicLong();
        final AtomicLong batchRows = new AtomicLong();
        final AtomicLong answers = new AtomicLong();

        void batch(WorkerTiming timing) {
            batchRows.addAndGet(timing.getBatchSize());
            answers.incrementAndGet();
        }

        double meanBatch() {
            return answers.get() == 0 ? 0 : (double) batchRows.get() / answers.get();
        }
    }

    private BatchingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        // One section alone (score, embed or generate) goes to its own file, to check a change quickly.
        String only = args.length > 1 ? args[1] : null;
        if (only != null && !List.of(SECTIONS).contains(only)) {
            throw new IllegalArgumentException("unknown section '" + only + "'; one of " + List.of(SECTIONS));
        }
        Report report = new Report("Worker batching benchmark", "load-tests/run.sh batching");
        ModelConfig generic = model("generic", ModelConfig.CAUSAL_LM, models.resolve("generic"), MAX_BATCH);
        ModelConfig encoder = model("minilm", ModelConfig.ENCODER, Path.of("."), MAX_BATCH);
        String device;
        try (Placement placement = SessionFactory.place(generic)) {
            device = placement.device(); // what the sessions really run on, not only what was asked for
        }
        report.section("Setup", "One worker in this process, the client over loopback gRPC; ONNX Runtime on "
                + device + " with " + THREADS + " intra-op threads. Each cell: N closed-loop clients, "
                + WARM_UP_NANOS / 1_000_000_000 + " s warm-up, then " + MEASURE_NANOS / 1_000_000_000
                + " s measured. *batched*: max_batch_size and max_concurrent " + MAX_BATCH + " (Score and Embed:"
                + " dynamic batching with a 2 ms queue delay; generation: continuous batching). *batch 1*: both 1."
                + " *direct*: the same model with the server's session settings, called in a loop without the"
                + " server, at the mean batch size the batched server formed in that cell; *direct / direct batch 1*"
                + " is the most batching can gain on this hardware. The clients run on the same "
                + Runtime.getRuntime().availableProcessors() + " cores as the worker, so gRPC and protobuf work on"
                + " both sides competes with ONNX Runtime. Each figure is the median of " + ROUNDS + " rounds"
                + " (ratios taken within a round); latencies pool the rounds.");

        if (only == null || only.equals("score")) {
            report.section("Score (generic model, prompt + continuation about 40 tokens)", "Throughput in requests/s.");
            compare(report, generic, BatchingBenchmark::score, (cell, batch) -> directScore(generic, batch));
        }
        if (only == null || only.equals("embed")) {
            report.section("Embed (all-MiniLM-L6-v2, quantized; one sentence per request)", "Throughput in requests/s.");
            compare(report, encoder, BatchingBenchmark::embed, (cell, batch) -> directEmbed(encoder, batch));
        }
        if (only == null || only.equals("generate")) {
            report.section("Generate (generic model, " + NEW_TOKENS + " new tokens, greedy)",
                    "Throughput in generated tokens/s; latency is the whole request.");
            compare(report, generic, BatchingBenchmark::generate, (cell, batch) -> directGenerate(generic, batch));
        }
        report.write(results.resolve(only == null ? "batching.md" : "batching-" + only + ".md"));
    }

    /** The direct loop's throughput in the cell's unit at a batch size. */
    private interface Direct {
        double rate(Cell cell, int batch) throws Exception;
    }

    private static void compare(Report report, ModelConfig config, Operation operation, Direct direct) throws Exception {
        List<List<Cell>> batched = new ArrayList<>();
        List<List<Cell>> alone = new ArrayList<>();
        double[][] directRates = new double[ROUNDS][LOADS.length];
        double[] directAlone = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            batched.add(run(config, operation));
            alone.add(run(withBatch(config, 1), operation));
            // What batching can gain on this hardware at all: the model alone, batched against one at a time.
            directAlone[round] = direct.rate(null, 1);
            for (int i = 0; i < LOADS.length; i++) {
                Cell b = batched.get(round).get(i);
                directRates[round][i] = direct.rate(b, (int) Math.max(1, Math.round(b.meanBatch())));
            }
        }
        report.header("clients", "batched /s", "batch 1 /s", "batched / batch 1", "mean batch", "direct /s",
                "batched / direct", "direct / direct batch 1", "batched p50 / p99 ms", "batch 1 p50 / p99 ms");
        for (int i = 0; i < LOADS.length; i++) {
            double[] b = new double[ROUNDS];
            double[] a = new double[ROUNDS];
            double[] d = new double[ROUNDS];
            double[] gain = new double[ROUNDS];
            double[] ofDirect = new double[ROUNDS];
            double[] ceiling = new double[ROUNDS];
            double meanBatch = 0;
            Histogram bLatency = new Histogram(3);
            Histogram aLatency = new Histogram(3);
            for (int round = 0; round < ROUNDS; round++) {
                Cell bc = batched.get(round).get(i);
                Cell ac = alone.get(round).get(i);
                b[round] = rate(bc);
                a[round] = rate(ac);
                d[round] = directRates[round][i];
                gain[round] = b[round] / a[round];
                ofDirect[round] = b[round] / d[round];
                ceiling[round] = d[round] / directAlone[round];
                meanBatch += bc.meanBatch() / ROUNDS;
                bLatency.add(bc.latency);
                aLatency.add(ac.latency);
            }
            report.row(LOADS[i], fmt(median(b)), fmt(median(a)), fmt(median(gain)) + "x", fmt(meanBatch),
                    fmt(median(d)), String.format("%.0f%%", 100 * median(ofDirect)), fmt(median(ceiling)) + "x",
                    ms(bLatency, 50) + " / " + ms(bLatency, 99), ms(aLatency, 50) + " / " + ms(aLatency, 99));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static List<Cell> run(ModelConfig config, Operation operation) throws Exception {
        List<Cell> cells = new ArrayList<>();
        try (WorkerServer server = WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, NEW_TOKENS,
                List.of(config), -1))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            WorkerGrpc.WorkerBlockingStub worker = WorkerGrpc.newBlockingStub(channel);
            for (int load : LOADS) {
                cells.add(load(worker, load, operation));
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        return cells;
    }

    private static Cell load(WorkerGrpc.WorkerBlockingStub worker, int clients, Operation operation) throws Exception {
        Cell cell = new Cell();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long measureFrom = System.nanoTime() + WARM_UP_NANOS;
        long end = measureFrom + MEASURE_NANOS;
        for (int c = 0; c < clients; c++) {
            int client = c;
            pool.execute(() -> {
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    Cell answered = new Cell();
                    int units = operation.send(worker.withDeadlineAfter(120, TimeUnit.SECONDS), client, answered);
                    long done = System.nanoTime();
                    // Throughput counts what completes inside the window, whenever it was sent: with
                    // seconds of queueing, counting only requests sent inside it would undercount.
                    if (done >= measureFrom && done <= end) {
                        cell.latency.recordValue((done - sent) / 1000);
                        cell.units.addAndGet(units);
                        cell.batchRows.addAndGet(answered.batchRows.get());
                        cell.answers.addAndGet(answered.answers.get());
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        return cell;
    }

    private static int score(WorkerGrpc.WorkerBlockingStub worker, int client, Cell cell) {
        cell.batch(worker.score(WorkerScoreRequest.newBuilder().setModel("generic").setPrompt(scorePrompt(client))
                .setContinuation(scoreContinuation(client)).build()).getTiming());
        return 1;
    }

    private static int embed(WorkerGrpc.WorkerBlockingStub worker, int client, Cell cell) {
        cell.batch(worker.embed(EmbedRequest.newBuilder().setModel("minilm").addTexts(sentence(client)).build())
                .getTiming());
        return 1;
    }

    private static int generate(WorkerGrpc.WorkerBlockingStub worker, int client, Cell cell) {
        int tokens = 0;
        var chunks = worker.generate(WorkerGenerateRequest.newBuilder().setModel("generic").setPrompt(sentence(client))
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build());
        while (chunks.hasNext()) {
            WorkerGenerateChunk chunk = chunks.next();
            tokens += chunk.getTokensCount();
            if (chunk.hasTiming()) {
                cell.batch(chunk.getTiming());
            }
        }
        return tokens;
    }

    private static String scorePrompt(int client) {
        return "Question " + client + ": a train leaves at " + (client % 12 + 1) + " o'clock and travels";
    }

    private static String scoreContinuation(int client) {
        return " for " + (client % 5 + 2) + " hours at " + (40 + client) + " miles per hour, so it covers the distance.";
    }

    private static String sentence(int client) {
        return "Request " + client + " asks about the contract's termination clause and its notice period.";
    }

    private static double directScore(ModelConfig config, int batch) throws Exception {
        try (Placement placement = SessionFactory.place(config); CausalLm model = load(config, placement)) {
            Scorer scorer = new Scorer(model);
            List<Scorer.Pair> pairs = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                pairs.add(new Scorer.Pair(model.tokenizer().encode(scorePrompt(i)),
                        model.tokenizer().encode(scoreContinuation(i))));
            }
            return loop(() -> scorer.score(pairs).size());
        }
    }

    private static double directEmbed(ModelConfig config, int batch) throws Exception {
        try (Placement placement = SessionFactory.place(config);
             InputStream onnx = ModelFiles.open(config.modelFile()); InputStream tokenizer = ModelFiles.open(config.tokenizerFile());
             OnnxSentenceEncoder encoder = OnnxSentenceEncoder.load(onnx, tokenizer, 256, placement.options())) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                texts.add(sentence(i));
            }
            return loop(() -> encoder.embed(texts).length);
        }
    }

    /** Prompts of the batch run one by one, then NEW_TOKENS greedy decoding steps run as one batch. */
    private static double directGenerate(ModelConfig config, int batch) throws Exception {
        try (Placement placement = SessionFactory.place(config); CausalLm model = load(config, placement)) {
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                prompts.add(model.tokenizer().encode(sentence(i)));
            }
            return loop(() -> {
                GreedyBatch.decode(model, prompts, NEW_TOKENS);
                return batch * NEW_TOKENS;
            });
        }
    }

    /** The model on the session settings the server gives it, for the direct loops. */
    private static CausalLm load(ModelConfig config, Placement placement) throws Exception {
        return CausalLm.load(config.name(), config.path(), SessionFactory.environment(), placement.options());
    }

    /** Units per second of {@code body} run back to back, after a warm-up. */
    private static double loop(Body body) throws Exception {
        long warm = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < warm) {
            body.run();
        }
        long units = 0;
        long start = System.nanoTime();
        long end = start + MEASURE_NANOS / 2;
        while (System.nanoTime() < end) {
            units += body.run();
        }
        return units / ((System.nanoTime() - start) / 1e9);
    }

    @FunctionalInterface
    private interface Body {
        int run() throws Exception;
    }

    private static ModelConfig model(String name, String kind, Path path, int batch) {
        boolean encoder = kind.equals(ModelConfig.ENCODER);
        return new ModelConfig(name, kind, path, DEVICE, THREADS, batch, 256, NEW_TOKENS, batch, 2000,
                encoder ? ENCODER_MODEL : path.resolve("model.onnx").toString(),
                encoder ? ENCODER_TOKENIZER : path.resolve("tokenizer.json").toString(), ModelInfo.UNSPECIFIED, CudaSettings.DEFAULT);
    }

    private static ModelConfig withBatch(ModelConfig c, int batch) {
        return new ModelConfig(c.name(), c.kind(), c.path(), c.device(), c.threads(), batch, c.maxQueue(),
                c.maxNewTokens(), batch, c.maxQueueDelayMicros(), c.modelFile(), c.tokenizerFile(), c.info(), c.cuda());
    }

    private static double rate(Cell cell) {
        return cell.units.get() / (MEASURE_NANOS / 1e9);
    }

    private static String fmt(double v) {
        return String.format("%.1f", v);
    }

    private static String ms(Histogram h, double percentile) {
        return String.format("%.1f", h.getValueAtPercentile(percentile) / 1000.0);
    }
}
