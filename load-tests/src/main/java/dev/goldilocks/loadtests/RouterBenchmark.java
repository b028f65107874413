package dev.goldilocks.loadtests;

import dev.goldilocks.router.classify.ClassifierFile;
import dev.goldilocks.router.classify.LabelledPrompt;
import dev.goldilocks.router.classify.MiniLmEncoder;
import dev.goldilocks.router.classify.TieredClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Classification latency of the committed classifier on the held-out routing prompts and on prompts of
 * exactly 64 MiniLM tokens: one prompt at a time and in batches of 16; the tiered classifier (what the
 * gateway runs) and the embedding tier alone.
 */
public final class RouterBenchmark {

    private static final int BATCH = 16;
    private static final int PASSES = 3;

    private RouterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Path file = models.resolve("router/domain-classifier.json");
        List<String> heldOut = LabelledPrompt.read(models.resolve("routing/test.jsonl")).stream()
                .map(LabelledPrompt::prompt).toList();
        Report report = new Report("Router benchmark", "load-tests/run.sh router");
        try (MiniLmEncoder encoder = MiniLmEncoder.load(2, ClassifierFile.encoderMaxTokens(file))) {
            ClassifierFile.Contents c = ClassifierFile.read(file);
            TieredClassifier tiered = new TieredClassifier(c.domains(), c.ngrams(), c.lexical(), c.lexicalThreshold(),
                    encoder, c.head());
            List<String> long64 = sixtyFourTokenPrompts(heldOut);
            report.section("Classification latency",
                    "Per prompt, in milliseconds, after a warm-up pass; " + PASSES + " passes over each prompt set."
                    + " The encoder runs with 2 intra-op threads. Batched: " + BATCH + " prompts per call, the latency"
                    + " of a call divided by its size. *64-token prompts*: held-out prompts repeated and cut to exactly"
                    + " 64 MiniLM tokens. *tiered* is what the gateway runs; *embedding only* forces every prompt"
                    + " through MiniLM.");
            report.header("prompts", "classifier", "mode", "p50 ms", "p99 ms", "answered by the lexical tier");
            for (var set : List.of(new Object[] {"held-out routing set", heldOut}, new Object[] {"64-token prompts", long64})) {
                String name = (String) set[0];
                @SuppressWarnings("unchecked")
                List<String> prompts = (List<String>) set[1];
                long lexical = prompts.stream().filter(p -> tiered.lexicalOnly(p).confidence() >= c.lexicalThreshold()).count();
                String share = String.format("%.1f%%", 100.0 * lexical / prompts.size());
                measure(report, name, "tiered", "one at a time", prompts, 1, p -> tiered.classifyAll(p), share);
                measure(report, name, "tiered", "batched", prompts, BATCH, p -> tiered.classifyAll(p), share);
                measure(report, name, "embedding only", "one at a time", prompts, 1,
                        p -> p.stream().map(tiered::embeddingOnly).toList(), "-");
                measure(report, name, "embedding only", "batched", prompts, BATCH, p -> encoder.embed(p), "-");
            }
        }
        report.write(results.resolve("router.md"));
    }

    /** Each prompt repeated and cut to exactly 64 MiniLM tokens ([CLS] and [SEP] included). */
    public static List<String> sixtyFourTokenPrompts(List<String> prompts) throws Exception {
        try (ai.djl.huggingface.tokenizers.HuggingFaceTokenizer t = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer
                .newInstance(RouterBenchmark.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json"),
                        java.util.Map.of("addSpecialTokens", "false"))) {
            List<String> out = new ArrayList<>();
            for (String p : prompts) {
                String text = (p + " ").repeat(64);
                var enc = t.encode(text);
                long[] ids = java.util.Arrays.copyOf(enc.getIds(), 62); // + [CLS] and [SEP] = 64
                out.add(t.decode(ids, true));
            }
            return out;
        }
    }

    private static void measure(Report report, String set, String classifier, String mode, List<String> prompts,
                                int batch, java.util.function.Function<List<String>, ?> classify, String share) {
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
