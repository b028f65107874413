package dev.goldilocks.loadtests.hop;

import dev.goldilocks.loadtests.Report;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.Placement;
import dev.goldilocks.worker.model.SessionFactory;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** A real model's short generation served by the worker against the same model's steps with nothing around them. */
final class ServedAndBare {

    private ServedAndBare() {
    }

    /**
     * The math specialist's short generation through a worker of its own (a real model, as the all-in-one
     * configures it) against its model steps called in a loop on a session with the same options; both here.
     */
    static Map<String, Object> run(Path models, int calls, boolean profile, Report report) throws Exception {
        ModelConfig config = new ModelConfig("math-specialist", ModelConfig.CAUSAL_LM, models.resolve("math-specialist"),
                "cpu", 1, 16, 64, 256);
        Histogram served = new Histogram(3);
        Histogram steps = new Histogram(3);
        int servedTokens;
        int loopTokens;
        String summary = null;
        WorkerServer worker = WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, 64, List.of(config), -1));
        Placement placement = SessionFactory.place(config);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", worker.port()).usePlaintext().build();
        try (CausalLm model = CausalLm.load(config.name(), config.path(), SessionFactory.environment(),
                placement.options())) {
            ModelSteps loop = new ModelSteps(model);
            int[] prompt = model.encode(BuildPaths.MATH_PROMPT);
            WorkerGenerateRequest request = WorkerGenerateRequest.newBuilder().setModel(config.name())
                    .setPrompt(BuildPaths.MATH_PROMPT).setParams(GenerationParams.newBuilder().setMaxNewTokens(BuildPaths.NEW_TOKENS)).build();
            WorkerGrpc.WorkerBlockingStub stub = WorkerGrpc.newBlockingStub(channel);
            int[] seen = new int[2];
            JfrProfile jfr = null;
            long allocatedAtStart = 0;
            for (int i = 0; i < calls + calls / 5; i++) {
                boolean measure = i >= calls / 5;
                if (profile && i == calls / 5) {
                    allocatedAtStart = Usage.now().allocatedBytes;
                    jfr = JfrProfile.start("math-specialist");
                }
                long t0 = System.nanoTime();
                stub.withDeadlineAfter(BuildPaths.DEADLINE_SECONDS, TimeUnit.SECONDS).generate(request).forEachRemaining(c -> {
                    if (c.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                        seen[0] = c.getCompletionTokens();
                    }
                });
                long t1 = System.nanoTime();
                seen[1] = loop.generate(prompt, BuildPaths.NEW_TOKENS);
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
                summary = jfr.stop(dir.resolve("math-specialist.jfr"), calls,
                        Usage.now().allocatedBytes - allocatedAtStart);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            worker.close();
            placement.close();
        }
        report.section("A real model: the math specialist, served and bare",
                calls + " greedy generations of '" + BuildPaths.MATH_PROMPT + "' (at most " + BuildPaths.NEW_TOKENS + " new tokens; "
                + servedTokens + " generated through the worker, " + loopTokens + " in the loop), alternating, both in"
                + " this process: through a worker of its own (as the all-in-one configures it, one intra-op thread)"
                + " with a client on loopback, and its prompt and decoding steps called in a loop on a session with"
                + " the same options (no gRPC, queue, tokenizer or text).");
        report.header("path", "p50 ms", "p99 ms");
        report.row("client -> worker Generate", ms(served.getValueAtPercentile(50)), ms(served.getValueAtPercentile(99)));
        report.row("model steps in a loop", ms(steps.getValueAtPercentile(50)), ms(steps.getValueAtPercentile(99)));
        report.row("serving adds", ms(served.getValueAtPercentile(50) - steps.getValueAtPercentile(50)),
                ms(served.getValueAtPercentile(99) - steps.getValueAtPercentile(99)));
        if (summary != null) {
            report.section("Where the math specialist's time goes (Java Flight Recorder)", "The measured calls above,"
                    + " both kinds, in this process: the worker's decode thread (decode-math-specialist) runs the served"
                    + " generations' steps and everything around them, the main thread the bare loop and the client."
                    + " Per call below means per pair of calls (one served, one bare).\n\n" + summary);
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
}
