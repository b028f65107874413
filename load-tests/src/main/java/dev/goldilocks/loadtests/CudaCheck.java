package dev.goldilocks.loadtests;

import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.Placement;
import dev.goldilocks.worker.model.SessionFactory;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * The check a GPU node needs: the generic model generating on cuda:0 against the CPU, one sequence and a
 * batch of 16, in tokens per second, and the device each session really ran on. Run through
 * load-tests/cuda-check.sh (which builds with -Pcuda); on a machine without CUDA both rows say cpu.
 */
public final class CudaCheck {

    private static final int NEW_TOKENS = 200;
    private static final String PROMPT = "The quick brown fox jumps over the lazy dog. In the beginning";

    private CudaCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Report report = new Report("CUDA check", "load-tests/cuda-check.sh");
        report.section("Generic model, greedy, " + NEW_TOKENS + " new tokens with the KV cache",
                "Tokens per second, best of 3 runs after a warm-up; *batch 16*: 16 sequences decoding together.");
        report.header("configured device", "device used", "batch 1 tokens/s", "batch 16 tokens/s");
        boolean ranOnCuda = false;
        for (String device : List.of("cpu", "cuda:0")) {
            ModelConfig config = new ModelConfig("generic", ModelConfig.CAUSAL_LM, models.resolve("generic"), device,
                    2, 16, 64, NEW_TOKENS);
            try (Placement placement = SessionFactory.place(config);
                 CausalLm model = CausalLm.load("generic", config.path(), SessionFactory.environment(),
                         placement.options())) {
                rate(model, 1);
                report.row(device, placement.device(), fmt(best(model, 1)), fmt(best(model, 16)));
                ranOnCuda |= placement.device().startsWith("cuda:");
            }
        }
        if (!ranOnCuda) {
            report.section("Verdict", "No session ran on CUDA on this machine: the cuda:0 row fell back to the CPU"
                    + " (the worker's warning says why). This run verifies the fallback, not CUDA.");
        }
        report.write(results.resolve("cuda.md"));
    }

    private static double best(CausalLm model, int batch) throws Exception {
        double best = 0;
        for (int run = 0; run < 3; run++) {
            best = Math.max(best, rate(model, batch));
        }
        return best;
    }

    /** Tokens per second of {@code batch} sequences decoding NEW_TOKENS steps together. */
    private static double rate(CausalLm model, int batch) throws Exception {
        int[] prompt = model.tokenizer().encode(PROMPT);
        long nanos = GreedyBatch.decode(model, Collections.nCopies(batch, prompt), NEW_TOKENS);
        return batch * (NEW_TOKENS - 1) / (nanos / 1e9);
    }

    private static String fmt(double v) {
        return String.format("%.0f", v);
    }
}
