package dev.goldilocks.loadtests;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.goldilocks.gateway.AllInOne;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.worker.generate.Sampler;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.SessionFactory;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The foundation's figures: decode speed of each demo model, the KV cache against recomputing the whole
 * sequence at every step, and the latency the gateway adds over calling the worker directly.
 */
public final class FoundationBenchmark {

    private static final List<String> MODELS = List.of("generic", "code-specialist", "legal-specialist", "math-specialist");
    private static final String PROMPT = "The quick brown fox jumps over the lazy dog. In the beginning";
    private static final int NEW_TOKENS = 200;
    private static final int RUNS = 3;
    private static final int LATENCY_REQUESTS = 400;

    private FoundationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Report report = new Report("Foundation benchmark", "load-tests/run.sh foundation");
        report.section("Decode speed and the KV cache",
                "Each model generates " + NEW_TOKENS + " tokens after a " + "13-token prompt, greedily and without"
                + " stopping at end-of-text, one sequence at a time, ONNX Runtime on CPU with 2 intra-op threads."
                + " *cached*: each step feeds one token and the previous step's present tensors as its past"
                + " (what the worker does). *recompute*: each step runs the whole sequence with an empty past."
                + " Median of " + RUNS + " runs; the two modes alternate within each run.");
        report.header("model", "cached tokens/s", "recompute tokens/s", "speed-up of the cache", "prompt (prefill) ms");
        for (String name : MODELS) {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(2);
                try (CausalLm model = CausalLm.load(name, models.resolve(name), SessionFactory.environment(), options)) {
                    int[] prompt = model.tokenizer().encode(PROMPT);
                    decode(model, prompt, true);
                    decode(model, prompt, false);
                    double[] cached = new double[RUNS];
                    double[] recompute = new double[RUNS];
                    double[] prefill = new double[RUNS];
                    for (int r = 0; r < RUNS; r++) {
                        double[] c = decode(model, prompt, true);
                        cached[r] = c[0];
                        prefill[r] = c[1];
                        recompute[r] = decode(model, prompt, false)[0];
                    }
                    double cachedRate = NEW_TOKENS / median(cached);
                    double recomputeRate = NEW_TOKENS / median(recompute);
                    report.row(name, fmt(cachedRate), fmt(recomputeRate), fmt(cachedRate / recomputeRate) + "x",
                            fmt(median(prefill) * 1e3));
                }
            }
        }
        gatewayOverhead(models, report);
        report.write(results.resolve("foundation.md"));
    }

    /** Seconds for NEW_TOKENS decode steps, and seconds of the prompt step. */
    private static double[] decode(CausalLm model, int[] prompt, boolean cached) throws OrtException {
        int[] all = Arrays.copyOf(prompt, prompt.length + NEW_TOKENS);
        int length = prompt.length;
        long start = System.nanoTime();
        CausalLm.Step step = model.forward(prompt, null);
        long prefill = System.nanoTime() - start;
        for (int i = 0; i < NEW_TOKENS; i++) {
            all[length++] = Sampler.argmax(step.lastLogits());
            CausalLm.Step next = cached
                    ? model.forward(new int[] {all[length - 1]}, step)
                    : model.forward(Arrays.copyOf(all, length), null);
            step.close();
            step = next;
        }
        step.close();
        return new double[] {(System.nanoTime() - start - prefill) / 1e9, prefill / 1e9};
    }

    private static void gatewayOverhead(Path models, Report report) throws Exception {
        try (AllInOne all = AllInOne.start(models, "127.0.0.1", 0, 0)) {
            ManagedChannel gatewayChannel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
            ManagedChannel workerChannel = NettyChannelBuilder.forAddress("127.0.0.1", all.specialistWorkerPort())
                    .usePlaintext().build();
            GoldilocksGrpc.GoldilocksBlockingStub gateway = GoldilocksGrpc.newBlockingStub(gatewayChannel);
            WorkerGrpc.WorkerBlockingStub worker = WorkerGrpc.newBlockingStub(workerChannel);
            GenerationParams params = GenerationParams.newBuilder().setMaxNewTokens(4).build();
            GenerateRequest viaGateway = GenerateRequest.newBuilder().setPrompt("What is 21 + 34?").setDomainHint("math")
                    .setParams(params).build();
            WorkerGenerateRequest direct = WorkerGenerateRequest.newBuilder().setModel("math-specialist")
                    .setPrompt("What is 21 + 34?").setParams(params).build();
            Histogram g = new Histogram(3);
            Histogram w = new Histogram(3);
            for (int i = 0; i < LATENCY_REQUESTS + 50; i++) {
                long t0 = System.nanoTime();
                gateway.withDeadlineAfter(10, TimeUnit.SECONDS).generate(viaGateway);
                long t1 = System.nanoTime();
                worker.withDeadlineAfter(10, TimeUnit.SECONDS).generate(direct).forEachRemaining(c -> { });
                long t2 = System.nanoTime();
                if (i >= 50) { // the first 50 of each warm up the JIT and connections
                    g.recordValue((t1 - t0) / 1000);
                    w.recordValue((t2 - t1) / 1000);
                }
            }
            report.section("Latency the gateway adds",
                    LATENCY_REQUESTS + " sequential requests for 4 new tokens from the math specialist, alternating"
                    + " between the gateway's Generate (validation, routing by domain hint, signed request id,"
                    + " a gRPC call to the worker over loopback) and the worker's Generate called directly.");
            report.header("path", "p50 ms", "p99 ms");
            report.row("client -> worker", ms(w.getValueAtPercentile(50)), ms(w.getValueAtPercentile(99)));
            report.row("client -> gateway -> worker", ms(g.getValueAtPercentile(50)), ms(g.getValueAtPercentile(99)));
            report.row("added by the gateway", ms(g.getValueAtPercentile(50) - w.getValueAtPercentile(50)),
                    ms(g.getValueAtPercentile(99) - w.getValueAtPercentile(99)));
            gatewayChannel.shutdownNow();
            workerChannel.shutdownNow();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String fmt(double v) {
        return String.format("%.1f", v);
    }

    private static String ms(long micros) {
        return String.format("%.2f", micros / 1000.0);
    }
}
