package dev.goldilocks.loadtests;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.goldilocks.common.embed.OnnxSentenceEncoder;
import dev.goldilocks.router.classify.ClassifierFile;
import dev.goldilocks.router.classify.LabelledPrompt;
import dev.goldilocks.router.classify.MiniLmEncoder;
import dev.goldilocks.router.classify.SentenceEncoder;
import dev.goldilocks.router.classify.TieredClassifier;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Classification latency of the committed classifier on the user-style held-out prompts and on prompts of
 * exactly 64 MiniLM tokens made from them: one prompt at a time and in batches of 16; the tiered classifier (what the
 * gateway runs) and the embedding tier alone; and the embedding tier beside ONNX Runtime's bare
 * {@code session.run} on the same token ids, under several session options, interleaved in one run.
 */
public final class RouterBenchmark {

    private static final int BATCH = 16;
    private static final int PASSES = 3;
    private static final int THREADS = 2;
    private static final int SIDE_BY_SIDE_PASSES = 2;
    private static final int SIDE_BY_SIDE_PROMPTS = 200;
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private RouterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Path file = models.resolve("router/domain-classifier.json");
        List<String> heldOut = LabelledPrompt.read(models.resolve("routing/user-heldout.jsonl")).stream()
                .map(LabelledPrompt::prompt).toList();
        Report report = new Report("Router benchmark", "load-tests/run.sh router");
        int maxTokens = ClassifierFile.encoderMaxTokens(file);
        ClassifierFile.Contents c = ClassifierFile.read(file);
        List<String> long64 = sixtyFourTokenPrompts(heldOut);
        try (MiniLmEncoder encoder = MiniLmEncoder.load(THREADS, maxTokens)) {
            TieredClassifier tiered = TieredClassifier.of(c, encoder);
            report.section("Classification latency",
                    "Per prompt, in milliseconds, after a warm-up pass; " + PASSES + " passes over each prompt set."
                    + " The encoder runs with " + THREADS + " intra-op threads. Batched: " + BATCH + " prompts per"
                    + " call, the latency of a call divided by its size. *64-token prompts*: user-style held-out"
                    + " prompts repeated and cut to exactly 64 MiniLM tokens. *tiered* is what the gateway runs;"
                    + " *embedding only* forces every prompt through MiniLM.");
            report.header("prompts", "classifier", "mode", "p50 ms", "p99 ms", "answered by the lexical tier");
            for (var set : List.of(new Object[] {"user-style held-out set", heldOut}, new Object[] {"64-token prompts", long64})) {
                String name = (String) set[0];
                @SuppressWarnings("unchecked")
                List<String> prompts = (List<String>) set[1];
                long lexical = prompts.stream().filter(p -> tiered.lexicalOnly(p).confidence() >= c.lexicalThreshold()).count();
                String share = String.format("%.1f%%", 100.0 * lexical / prompts.size());
                measure(report, name, "tiered", "one at a time", prompts, 1, tiered::classifyAll, share);
                measure(report, name, "tiered", "batched", prompts, BATCH, tiered::classifyAll, share);
                measure(report, name, "embedding only", "one at a time", prompts, 1,
                        p -> p.stream().map(tiered::embeddingOnly).toList(), "-");
                measure(report, name, "embedding only", "batched", prompts, BATCH, encoder::embed, "-");
            }
        }
        List<String> sideBySide = long64.subList(0, Math.min(long64.size(), SIDE_BY_SIDE_PROMPTS));
        double[][] medians = sideBySide(report, c, maxTokens, sideBySide);
        double[] tokenizer = tokenizer(report, sideBySide, maxTokens);
        whereTheTimeWent(report, medians, tokenizer);
        report.write(results.resolve("router.md"));
    }

    /** One way of running the encoder: a classifier through its embedding tier, and the bare session. */
    private record Variant(String name, OrtSession.SessionOptions options, OnnxSentenceEncoder encoder,
                           TieredClassifier classifier, OrtSession bare) {
    }

    /**
     * Every variant classifies each 64-token prompt through the embedding tier (tokenizer, tensors, run,
     * pooling, head) and runs the bare session on that prompt's ids with tensors made beforehand, in
     * turn, prompt by prompt, so that whatever else the machine does falls on all of them alike.
     */
    /**
     * @return per variant (before, now, one thread, ORT defaults): classification and bare run p50, and the
     *         medians of the pool threads' waking and of the time outside session.run, in ms
     */
    private static double[][] sideBySide(Report report, ClassifierFile.Contents c, int maxTokens, List<String> prompts)
            throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] model;
        try (InputStream in = RouterBenchmark.class.getResourceAsStream(MODEL)) {
            model = in.readAllBytes();
        }
        OrtSession.SessionOptions before = new OrtSession.SessionOptions();
        before.setIntraOpNumThreads(THREADS);
        before.addConfigEntry("session.intra_op.allow_spinning", "0");
        OrtSession.SessionOptions ortDefaults = new OrtSession.SessionOptions();
        ortDefaults.setIntraOpNumThreads(THREADS);
        List<Variant> variants = new ArrayList<>();
        for (Object[] v : List.of(new Object[] {"before: " + THREADS + " threads, pool threads never spin", before},
                new Object[] {"now: " + THREADS + " threads, spinning during a call only", MiniLmEncoder.sessionOptions(THREADS)},
                new Object[] {"now: 1 thread (the gateway's default classifier_threads)", MiniLmEncoder.sessionOptions(1)},
                new Object[] {"ONNX Runtime's defaults, " + THREADS + " threads (spinning)", ortDefaults})) {
            OrtSession.SessionOptions options = (OrtSession.SessionOptions) v[1];
            OnnxSentenceEncoder encoder;
            try (InputStream m = RouterBenchmark.class.getResourceAsStream(MODEL);
                 InputStream t = RouterBenchmark.class.getResourceAsStream(TOKENIZER)) {
                encoder = OnnxSentenceEncoder.load(m, t, maxTokens, options);
            }
            TieredClassifier classifier = TieredClassifier.of(c, asSentenceEncoder(encoder));
            variants.add(new Variant((String) v[0], options, encoder, classifier, env.createSession(model, options)));
        }
        List<Map<String, OnnxTensor>> inputs = inputs(env, prompts, maxTokens);
        Histogram[] classify = new Histogram[variants.size()];
        Histogram[] bare = new Histogram[variants.size()];
        Histogram[] ratio = new Histogram[variants.size()]; // per prompt, in thousandths: robust to drift
        Histogram[] toDefaults = new Histogram[variants.size()];
        for (int k = 0; k < variants.size(); k++) {
            classify[k] = new Histogram(3);
            bare[k] = new Histogram(3);
            ratio[k] = new Histogram(3);
            toDefaults[k] = new Histogram(3);
        }
        List<List<Long>> outside = new ArrayList<>(); // per prompt: classification minus its bare run
        List<List<Long>> waking = new ArrayList<>(); // per prompt: bare run minus the bare run with ORT's defaults
        for (int k = 0; k < variants.size(); k++) {
            outside.add(new ArrayList<>());
            waking.add(new ArrayList<>());
        }
        long[] classified = new long[variants.size()];
        long[] ran = new long[variants.size()];
        try {
            for (int pass = 0; pass <= SIDE_BY_SIDE_PASSES; pass++) { // pass 0 warms up
                for (int i = 0; i < prompts.size(); i++) {
                    for (int k = 0; k < variants.size(); k++) {
                        Variant v = variants.get(k);
                        String prompt = prompts.get(i);
                        classified[k] = micros(() -> v.classifier().embeddingOnly(prompt));
                        Map<String, OnnxTensor> in = inputs.get(i);
                        ran[k] = micros(() -> run(v.bare(), in));
                    }
                    for (int k = 0; pass > 0 && k < variants.size(); k++) {
                        classify[k].recordValue(classified[k]);
                        bare[k].recordValue(ran[k]);
                        ratio[k].recordValue(1000 * classified[k] / ran[k]);
                        toDefaults[k].recordValue(1000 * classified[k] / ran[variants.size() - 1]);
                        outside.get(k).add(classified[k] - ran[k]);
                        waking.get(k).add(ran[k] - ran[variants.size() - 1]);
                    }
                }
            }
        } finally {
            inputs.forEach(m -> m.values().forEach(OnnxTensor::close));
            for (Variant v : variants) {
                v.bare().close();
                v.encoder().close();
                v.options().close();
            }
        }
        double floor = bare[variants.size() - 1].getValueAtPercentile(50) / 1000.0;
        report.section("The embedding tier against the bare session.run",
                "The " + prompts.size() + " prompts of exactly 64 MiniLM tokens, one at a time, " + SIDE_BY_SIDE_PASSES
                + " passes after a warm-up pass. *classification*: a whole classification through the embedding"
                + " tier (`TieredClassifier.embeddingOnly`: tokenizer, input tensors, session.run, mean pooling,"
                + " the logistic head). *bare run*: `session.run` alone on a session with the same options, on the"
                + " same prompt's token ids in tensors made beforehand. The last column divides the classification"
                + " by the bare run under ONNX Runtime's own defaults (" + THREADS + " intra-op threads, all graph"
                + " optimisations, pool threads spinning; " + String.format("%.3f", floor) + " ms p50 in this run),"
                + " the issue's yardstick. All variants run in turn, prompt by prompt, in one process; the ratios"
                + " are medians of each prompt's own ratio (its classification over the bare runs of that same"
                + " round), which drift on a shared machine moves less than a ratio of medians.");
        report.header("session options", "classification p50 ms", "p99 ms", "bare run p50 ms",
                "classification / bare run", "classification / bare run with ONNX Runtime's defaults");
        double[][] medians = new double[variants.size()][];
        for (int k = 0; k < variants.size(); k++) {
            double p50 = classify[k].getValueAtPercentile(50) / 1000.0;
            double bareP50 = bare[k].getValueAtPercentile(50) / 1000.0;
            medians[k] = new double[] {p50, bareP50, median(waking.get(k)) / 1000.0, median(outside.get(k)) / 1000.0};
            report.row(variants.get(k).name(), String.format("%.3f", p50),
                    String.format("%.3f", classify[k].getValueAtPercentile(99) / 1000.0), String.format("%.3f", bareP50),
                    String.format("%.2fx", ratio[k].getValueAtPercentile(50) / 1000.0),
                    String.format("%.2fx", toDefaults[k].getValueAtPercentile(50) / 1000.0));
        }
        return medians;
    }

    /**
     * The split of a classification (2 threads) before and now, from this run's medians: inside session.run
     * the model's work and the pool threads' waking, outside it the tokenizer and the rest.
     */
    private static void whereTheTimeWent(Report report, double[][] medians, double[] tokenizer) {
        report.section("Where the time went",
                "From this run (64-token prompts, " + THREADS + " intra-op threads); the split columns are medians"
                + " of each prompt's own differences. *pool threads waking*: session.run with the variant's options"
                + " minus session.run with ONNX Runtime's defaults, whose pool threads spin. The model has some 160"
                + " operators and most of them hand work to the pool: a pool thread that sleeps between operators"
                + " is woken by a futex for each."
                + " *outside session.run*: the classification minus its bare run; the tokenizer is most of it."
                + " A JFR profile of this benchmark (`-XX:StartFlightRecording`, native method samples of the"
                + " calling thread) put 96% of samples in `OrtSession.run`, 4% in the tokenizer's native"
                + " `encode`, and Java code (tensors, the output copy, pooling, the head) under 1%. Figures taken"
                + " while other processes load the machine are distorted: spinning threads then compete with"
                + " them for the cores; rerun on a quiet machine.");
        report.header("", "classification ms", "session.run ms", "of which pool threads waking ms",
                "outside session.run ms", "of which tokenizer ms");
        String[] names = {"before", "now"};
        for (int k = 0; k < 2; k++) {
            report.row(names[k], String.format("%.3f", medians[k][0]), String.format("%.3f", medians[k][1]),
                    String.format("%.3f", medians[k][2]), String.format("%.3f", medians[k][3]),
                    String.format("%.3f", tokenizer[k]));
        }
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static SentenceEncoder asSentenceEncoder(OnnxSentenceEncoder encoder) {
        return new SentenceEncoder() {
            @Override
            public int dimensions() {
                return encoder.dimensions();
            }

            @Override
            public float[][] embed(List<String> texts) {
                try {
                    return encoder.embed(texts);
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Each prompt's input tensors, as the encoder would make them. */
    private static List<Map<String, OnnxTensor>> inputs(OrtEnvironment env, List<String> prompts, int maxTokens)
            throws Exception {
        List<Map<String, OnnxTensor>> out = new ArrayList<>();
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(RouterBenchmark.class.getResourceAsStream(TOKENIZER),
                Map.of("truncation", "true", "maxLength", String.valueOf(maxTokens), "padding", "false"))) {
            for (String p : prompts) {
                long[] ids = t.encode(p).getIds();
                long[] shape = {1, ids.length};
                long[] mask = new long[ids.length];
                Arrays.fill(mask, 1);
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
                in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
                in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
                out.add(in);
            }
        }
        return out;
    }

    private static void run(OrtSession session, Map<String, OnnxTensor> inputs) {
        try (OrtSession.Result result = session.run(inputs)) {
            result.size();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long micros(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return Math.max(1, (System.nanoTime() - t0) / 1000);
    }

    /**
     * The tokenizer, the largest part of a classification outside session.run: DJL's whole Encoding (what
     * the encoder used) against the ids alone (what it uses now), on the thread's CPU clock.
     */
    /** @return p50 ms of the whole Encoding and of the ids alone */
    private static double[] tokenizer(Report report, List<String> prompts, int maxTokens) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(RouterBenchmark.class.getResourceAsStream(TOKENIZER),
                Map.of("truncation", "true", "maxLength", String.valueOf(maxTokens), "padding", "false"))) {
            Histogram whole = new Histogram(3);
            Histogram idsOnly = new Histogram(3);
            for (int pass = 0; pass <= PASSES; pass++) {
                for (String p : prompts) {
                    long t0 = threads.getCurrentThreadCpuTime();
                    long[] a = t.encode(p).getIds();
                    long t1 = threads.getCurrentThreadCpuTime();
                    long encoding = TokenizersLibrary.LIB.encode(t.getHandle(), p, true);
                    long[] b = TokenizersLibrary.LIB.getTokenIds(encoding);
                    TokenizersLibrary.LIB.deleteEncoding(encoding);
                    long t2 = threads.getCurrentThreadCpuTime();
                    if (!Arrays.equals(a, b)) {
                        throw new IllegalStateException("the two ways of tokenizing disagree on " + p);
                    }
                    if (pass > 0) {
                        whole.recordValue(Math.max(1, t1 - t0));
                        idsOnly.recordValue(Math.max(1, t2 - t1));
                    }
                }
            }
            report.section("The tokenizer",
                    "Tokenizing the 64-token prompts, thread CPU time per prompt, " + PASSES + " passes after a"
                    + " warm-up pass. *whole Encoding*: DJL's `encode`, which also copies the tokens as strings, word"
                    + " ids, offsets and masks out of the native encoding (the encoder before); *ids only*: the"
                    + " native encoding's ids and nothing else (the encoder now).");
            report.header("tokenizer call", "p50 ms", "p99 ms");
            report.row("whole Encoding", String.format("%.3f", whole.getValueAtPercentile(50) / 1e6),
                    String.format("%.3f", whole.getValueAtPercentile(99) / 1e6));
            report.row("ids only", String.format("%.3f", idsOnly.getValueAtPercentile(50) / 1e6),
                    String.format("%.3f", idsOnly.getValueAtPercentile(99) / 1e6));
            return new double[] {whole.getValueAtPercentile(50) / 1e6, idsOnly.getValueAtPercentile(50) / 1e6};
        }
    }

    /** Each prompt repeated and cut to exactly 64 MiniLM tokens ([CLS] and [SEP] included). */
    public static List<String> sixtyFourTokenPrompts(List<String> prompts) throws Exception {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(RouterBenchmark.class.getResourceAsStream(TOKENIZER),
                Map.of("addSpecialTokens", "false"))) {
            List<String> out = new ArrayList<>();
            for (String p : prompts) {
                String text = (p + " ").repeat(64);
                var enc = t.encode(text);
                long[] ids = Arrays.copyOf(enc.getIds(), 62); // + [CLS] and [SEP] = 64
                out.add(t.decode(ids, true));
            }
            return out;
        }
    }

    private static void measure(Report report, String set, String classifier, String mode, List<String> prompts,
                                int batch, Function<List<String>, ?> classify, String share) {
        Histogram perPrompt = new Histogram(3);
        for (int pass = 0; pass <= PASSES; pass++) {
            for (int i = 0; i < prompts.size(); i += batch) {
                List<String> slice = prompts.subList(i, Math.min(prompts.size(), i + batch));
                long t0 = System.nanoTime();
                classify.apply(slice);
                long micros = (System.nanoTime() - t0) / 1000 / slice.size();
                if (pass > 0) {
                    perPrompt.recordValue(Math.max(1, micros));
                }
            }
        }
        report.row(set, classifier, mode, String.format("%.3f", perPrompt.getValueAtPercentile(50) / 1000.0),
                String.format("%.3f", perPrompt.getValueAtPercentile(99) / 1000.0), share);
    }
}
