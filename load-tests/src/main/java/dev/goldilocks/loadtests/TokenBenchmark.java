package dev.goldilocks.loadtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.IncrementalDetokenizer;
import dev.goldilocks.worker.generate.ReferenceSampler;
import dev.goldilocks.worker.generate.ReferenceTextEmitter;
import dev.goldilocks.worker.generate.Sampler;
import dev.goldilocks.worker.generate.TextEmitter;
import dev.goldilocks.worker.model.TextTokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;

/**
 * Host work per generated token at the sizes of real models, each beside the implementation it replaced
 * (kept in the worker's tests as the reference the new one is tested against), in one run on one thread:
 * sampling from 128,256 logits (Llama 3's vocabulary) and detokenizing by position in a 2,000-token text.
 */
public final class TokenBenchmark {

    private static final int VOCABULARY = 128_256;
    private static final int LOGIT_SETS = 16;
    private static final int WARM_UP_TOKENS = 300;
    private static final int NEW_TOKENS = 600;
    private static final int OLD_TOKENS = 12;
    private static final int TEXT_TOKENS = 2000;
    private static final int DETOKENIZE_RUNS = 7;
    private static final int[] POSITIONS = {10, 100, 500, 1000, 2000};
    private static final int WINDOW = 10;
    private static final List<String> STOPS = List.of("<|im_end|>", "\n\n\n\n");

    private record Setting(String name, float temperature, float topP, int topK) {
        GenerationSettings settings(long seed) {
            return new GenerationSettings(1, temperature, topP, topK, List.of(), seed, false);
        }
    }

    private static final List<Setting> SETTINGS = List.of(new Setting("top-p 0.9, temperature 0.8", 0.8f, 0.9f, 0),
            new Setting("top-p 0.95, temperature 1", 1f, 0.95f, 0), new Setting("top-k 50, temperature 0.8", 0.8f, 1f, 50),
            new Setting("temperature 1 alone", 1f, 1f, 0));

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private TokenBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Report report = new Report("Per-token work benchmark", "load-tests/run.sh tokens");
        TokenBenchmark benchmark = new TokenBenchmark();
        benchmark.sampling(report);
        benchmark.detokenization(report, models);
        report.write(results.resolve("tokens.md"));
    }

    private void sampling(Report report) {
        report.section("Sampling from 128,256 logits",
                "Host time to pick one token from " + VOCABULARY + " logits already in a float[] (the worker copies"
                + " them out of ONNX Runtime's tensor first), on one thread. *old*: the sampler this replaced (a"
                + " stable sort of the whole vocabulary as boxed integers, kept in the worker's tests as the"
                + " reference); *new*: `Sampler`. Both are given the same " + LOGIT_SETS + " logit vectors in turn"
                + " with the same seed: the first " + OLD_TOKENS + " tokens run side by side and must agree, then"
                + " the new sampler alone runs " + NEW_TOKENS + " more (after " + WARM_UP_TOKENS + " for the JIT)."
                + " Times are the thread's CPU time (wall time is higher and noisier on a shared machine)."
                + " *confident*: a bulk of N(0, 2.5^2) with a few tokens 16 to 24 above it, the shape of a large"
                + " model sure of its next word. *flat*: the shape of the demo generic model's logits (its top"
                + " token 6 to 10 above the median, standard deviation about 2.8), where nearly the whole"
                + " vocabulary is within reach of the nucleus. *literal draws*: tokens the new sampler could not"
                + " decide from the head of the distribution and drew by the old rule over the whole vocabulary."
                + " *exponentials p50 ms*: one `Math.exp` per logit and their sum, nothing else, measured beside"
                + " the new sampler on the same logits: what any exact sampler pays when the whole vocabulary is"
                + " within reach of the nucleus, the floor of the flat rows.");
        report.header("logits", "sampling", "old p50 ms", "new p50 ms", "new p99 ms", "new mean ms", "old / new",
                "exponentials p50 ms", "agree", "literal draws");
        for (String profile : List.of("confident", "flat")) {
            float[][] logits = logits(profile);
            for (Setting setting : SETTINGS) {
                warmUp(setting, logits);
                long seed = 7;
                Sampler sampler = new Sampler(setting.settings(seed));
                ReferenceSampler reference = new ReferenceSampler(setting.settings(seed));
                long[] oldNanos = new long[OLD_TOKENS];
                long[] newNanos = new long[OLD_TOKENS + NEW_TOKENS];
                long[] expNanos = new long[OLD_TOKENS + NEW_TOKENS];
                int agree = 0;
                for (int i = 0; i < OLD_TOKENS + NEW_TOKENS; i++) {
                    float[] l = logits[i % LOGIT_SETS];
                    int[] picked = new int[1];
                    newNanos[i] = cpuNanos(() -> picked[0] = sampler.next(l));
                    expNanos[i] = cpuNanos(() -> exponentials(l, setting.temperature()));
                    if (i < OLD_TOKENS) {
                        int[] want = new int[1];
                        oldNanos[i] = cpuNanos(() -> want[0] = reference.next(l));
                        agree += picked[0] == want[0] ? 1 : 0;
                    }
                }
                double oldP50 = percentile(oldNanos, 50) / 1e6;
                double newP50 = percentile(newNanos, 50) / 1e6;
                report.row(profile, setting.name(), String.format("%.2f", oldP50), String.format("%.3f", newP50),
                        String.format("%.3f", percentile(newNanos, 99) / 1e6),
                        String.format("%.3f", Arrays.stream(newNanos).average().orElseThrow() / 1e6),
                        String.format("%.0fx", oldP50 / newP50), String.format("%.3f", percentile(expNanos, 50) / 1e6),
                        agree + "/" + OLD_TOKENS,
                        sampler.literalDraws() + "/" + (OLD_TOKENS + NEW_TOKENS));
            }
        }
    }

    /** The sum of exp((logit - max) / temperature) over the vocabulary (as an int, for IntSupplier). */
    private static int exponentials(float[] logits, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp((l - max) / temperature);
        }
        return (int) sum;
    }

    private void warmUp(Setting setting, float[][] logits) {
        Sampler sampler = new Sampler(setting.settings(1));
        for (int i = 0; i < WARM_UP_TOKENS; i++) {
            sampler.next(logits[i % LOGIT_SETS]);
        }
    }

    /** Logit vectors of one shape (see the section's text), from a fixed seed. */
    private static float[][] logits(String profile) {
        SplittableRandom random = new SplittableRandom(profile.hashCode());
        float[][] sets = new float[LOGIT_SETS][VOCABULARY];
        for (float[] l : sets) {
            boolean confident = profile.equals("confident");
            double sd = confident ? 2.5 : 2.8;
            for (int i = 0; i < l.length; i++) {
                l[i] = (float) (random.nextGaussian() * sd);
            }
            double top = confident ? random.nextDouble(16, 24) : random.nextDouble(6, 10);
            for (int r = 0; r < 40; r++) { // the likely tokens, on a Zipf-like slope below the top one
                l[random.nextInt(l.length)] = (float) (top - 1.5 * Math.log(1 + r) * random.nextDouble(0.5, 2));
            }
        }
        return sets;
    }

    private void detokenization(Report report, Path models) throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.load(models.resolve("generic/tokenizer.json"))) {
            int[] tokens = textTokens(tokenizer, models);
            String whole = tokenizer.decode(tokens);
            for (String stop : STOPS) {
                if (whole.contains(stop)) {
                    throw new IllegalStateException("the text contains the stop sequence " + stop);
                }
            }
            long[][] oldNanos = new long[DETOKENIZE_RUNS][];
            long[][] newNanos = new long[DETOKENIZE_RUNS][];
            for (int run = -1; run < DETOKENIZE_RUNS; run++) { // run -1 warms the JIT up
                long[] old = detokenizeOld(tokenizer, tokens, whole);
                long[] neu = detokenizeNew(tokenizer, tokens, whole);
                if (run >= 0) {
                    oldNanos[run] = old;
                    newNanos[run] = neu;
                }
            }
            report.section("Detokenization by position",
                    "Host time per token to turn the tokens generated so far into the text that may be streamed"
                    + " (with two stop sequences that never match, so the stop search runs too), at positions of a "
                    + TEXT_TOKENS + "-token text (held-out prose and legal text, generic model's tokenizer)."
                    + " *old*: decode every token so far, then the old emitter on the whole text (both kept in the"
                    + " worker's tests as references); *new*: `IncrementalDetokenizer` and `TextEmitter`. Both"
                    + " stream the same text (checked). Each figure: the median over " + DETOKENIZE_RUNS + " runs"
                    + " of the " + WINDOW + " tokens before the position, thread CPU time.");
            report.header("position", "old us per token", "new us per token", "old / new");
            double[] oldAt = new double[POSITIONS.length];
            double[] newAt = new double[POSITIONS.length];
            for (int p = 0; p < POSITIONS.length; p++) {
                oldAt[p] = window(oldNanos, POSITIONS[p]) / 1e3;
                newAt[p] = window(newNanos, POSITIONS[p]) / 1e3;
                report.row(POSITIONS[p], String.format("%.1f", oldAt[p]), String.format("%.1f", newAt[p]),
                        String.format("%.1fx", oldAt[p] / newAt[p]));
            }
            int last = POSITIONS.length - 1;
            report.row("token " + POSITIONS[last] + " / token " + POSITIONS[0], String.format("%.1fx", oldAt[last] / oldAt[0]),
                    String.format("%.2fx", newAt[last] / newAt[0]), "");
        }
    }

    private long[] detokenizeOld(TextTokenizer tokenizer, int[] tokens, String whole) {
        ReferenceTextEmitter emitter = new ReferenceTextEmitter(STOPS);
        StringBuilder streamed = new StringBuilder();
        long[] nanos = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            int n = i + 1;
            nanos[i] = cpuNanos(() -> streamed.append(emitter.update(tokenizer.decode(tokens, 0, n))).length());
        }
        checkStreamed(streamed.append(emitter.flush()), whole);
        return nanos;
    }

    private long[] detokenizeNew(TextTokenizer tokenizer, int[] tokens, String whole) {
        TextEmitter emitter = new TextEmitter(STOPS);
        IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer);
        StringBuilder streamed = new StringBuilder();
        long[] nanos = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            int token = tokens[i];
            nanos[i] = cpuNanos(() -> streamed.append(emitter.update(detokenizer.append(token))).length());
        }
        checkStreamed(streamed.append(emitter.flush()), whole);
        return nanos;
    }

    private static void checkStreamed(CharSequence streamed, String whole) {
        if (!whole.contentEquals(streamed)) {
            throw new IllegalStateException("the streamed text differs from decoding the whole sequence");
        }
    }

    /** The first TEXT_TOKENS tokens of the held-out prose and legal texts, prompts and references in turn. */
    private static int[] textTokens(TextTokenizer tokenizer, Path models) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder text = new StringBuilder();
        for (String set : List.of("prose", "legal")) {
            for (String line : Files.readAllLines(models.resolve("eval/" + set + ".jsonl"))) {
                JsonNode item = json.readTree(line);
                text.append(item.get("prompt").asText()).append(item.get("reference").asText()).append("\n\n");
            }
        }
        int[] tokens = tokenizer.encode(text.toString());
        if (tokens.length < TEXT_TOKENS) {
            throw new IllegalStateException("only " + tokens.length + " tokens of held-out text");
        }
        return Arrays.copyOf(tokens, TEXT_TOKENS);
    }

    private long cpuNanos(IntSupplier work) {
        long start = threads.getCurrentThreadCpuTime();
        work.getAsInt();
        return threads.getCurrentThreadCpuTime() - start;
    }

    /** The median, over runs, of the WINDOW tokens before {@code position} (1-based). */
    private static double window(long[][] runs, int position) {
        List<Long> values = new ArrayList<>();
        for (long[] run : runs) {
            for (int i = Math.max(0, position - WINDOW); i < position; i++) {
                values.add(run[i]);
            }
        }
        return percentile(values.stream().mapToLong(Long::longValue).toArray(), 50);
    }

    private static double percentile(long[] values, double percent) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(percent / 100 * sorted.length) - 1)];
    }
}
