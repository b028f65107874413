package dev.goldilocks.router.classify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.router.DomainPrediction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Trains both tiers on models/routing/train.jsonl, holding back a fifth of its groups (documents and
 * template frames, so validation sees frames that fitting never saw) for calibration, the lexical
 * threshold and the checks; then measures on the corpus split (models/routing/test.jsonl) and on the
 * hand-written user-style held-out set (models/routing/user-heldout.jsonl), which nothing was fitted on.
 * Everything is deterministic: fixed splits by hash, full-batch training from zero weights.
 */
public final class ClassifierTrainer {

    public static final int BUCKETS = 1 << 14;
    /** The lexical tier answers only where it was at least this accurate on validation data. */
    static final double LEXICAL_TARGET_ACCURACY = 0.998;
    /** Whatever validation says, a prompt the lexical tier is less sure of than this goes to the embedding. */
    static final double MIN_LEXICAL_CONFIDENCE = 0.9;
    /** A prediction below this top probability, or with the top two closer than the margin, fits no domain well. */
    static final TieredClassifier.Abstention ABSTENTION = new TieredClassifier.Abstention(0.5, 0.2);
    private static final int BATCH = 32;

    private final List<String> domains;
    private final SentenceEncoder encoder;

    public ClassifierTrainer(List<String> domains, SentenceEncoder encoder) {
        this.domains = List.copyOf(domains);
        this.encoder = encoder;
    }

    /** What training produced: the file's contents, the classifier, its measurements and charts. */
    public record Result(ClassifierFile.Contents contents, TieredClassifier classifier, TrainingReport report) {
    }

    /** One labelled set run through every tier. */
    record Measured(String name, List<LabelledPrompt> prompts, List<DomainPrediction> tiered,
                    List<DomainPrediction> lexicalOnly, List<DomainPrediction> embeddingOnly, double lexicalThreshold) {

        List<String> truth() {
            return prompts.stream().map(LabelledPrompt::domain).toList();
        }
    }

    public Result train(List<LabelledPrompt> train, List<LabelledPrompt> corpusTest, List<LabelledPrompt> userHeldout) {
        List<LabelledPrompt> fit = new ArrayList<>();
        List<LabelledPrompt> validation = new ArrayList<>();
        for (LabelledPrompt p : train) {
            (validationShare(p.group()) ? validation : fit).add(p);
        }
        HashedNgrams ngrams = new HashedNgrams(BUCKETS, 2, 4, 1);
        LinearSoftmax lexical = LinearSoftmax.train(fit.stream().map(p -> ngrams.features(p.prompt())).toList(),
                labels(fit), domains.size(), BUCKETS, 1e-5, 200, 0.05);
        lexical.calibrate(validation.stream().map(p -> ngrams.features(p.prompt())).toList(), labels(validation));

        // The sets the classifier is calibrated and measured on are embedded one prompt at a time, as the gateway
        // embeds them: the quantized encoder's batched vectors differ slightly from lone ones.
        Map<String, float[]> embeddings = embed(List.of(fit), BATCH);
        embeddings.putAll(embed(List.of(validation, corpusTest, userHeldout), 1));
        LinearSoftmax head = LinearSoftmax.train(features(fit, embeddings), labels(fit), domains.size(),
                encoder.dimensions(), 1e-4, 300, 0.05);
        head.calibrate(features(validation, embeddings), labels(validation));

        TieredClassifier lexicalOnly = new TieredClassifier(domains, ngrams, lexical, 2, encoder, head, ABSTENTION);
        double threshold = lexicalThreshold(measure("validation", validation, lexicalOnly, embeddings));
        TieredClassifier classifier = new TieredClassifier(domains, ngrams, lexical, threshold, encoder, head, ABSTENTION);

        List<Measured> sets = List.of(measure("validation", validation, classifier, embeddings),
                measure("corpus split", corpusTest, classifier, embeddings),
                measure("user-style held-out", userHeldout, classifier, embeddings));
        TrainingReport report = new TrainingReport(domains, train, fit.size(), sets, ABSTENTION);
        ObjectNode m = report.measurements();
        m.put("train_sha256", sha256(train));
        m.put("user_heldout_sha256", sha256(userHeldout));
        return new Result(new ClassifierFile.Contents(domains, ngrams, lexical, threshold, head, ABSTENTION, m),
                classifier, report);
    }

    /** Every prompt of {@code prompts} through the tiered classifier and each tier alone, embeddings precomputed. */
    private Measured measure(String name, List<LabelledPrompt> prompts, TieredClassifier c, Map<String, float[]> embeddings) {
        List<DomainPrediction> tiered = new ArrayList<>();
        List<DomainPrediction> lexical = new ArrayList<>();
        List<DomainPrediction> embedding = new ArrayList<>();
        for (LabelledPrompt p : prompts) {
            DomainPrediction fromEmbedding = c.fromEmbedding(embeddings.get(p.prompt()));
            DomainPrediction sure = c.lexicalIfSure(p.prompt());
            tiered.add(sure != null ? sure : fromEmbedding);
            lexical.add(c.lexicalOnly(p.prompt()));
            embedding.add(fromEmbedding);
        }
        return new Measured(name, prompts, tiered, lexical, embedding, c.lexicalThreshold());
    }

    /**
     * The lowest threshold (at least the floor) at which the lexical tier's validation answers are accurate
     * enough, on the whole validation set and on its user-style part (the template-made prompts, whose frames
     * fitting never saw), since user-style prompts are where a lexical model is most easily fooled.
     */
    private static double lexicalThreshold(Measured validation) {
        for (int step = (int) (MIN_LEXICAL_CONFIDENCE * 1000); step <= 999; step++) {
            double t = step / 1000.0;
            if (accurateEnough(validation, t, p -> true) && accurateEnough(validation, t, p -> p.source().startsWith("template:"))) {
                return t;
            }
        }
        return 1.01; // never sure enough: every prompt goes to the embedding tier
    }

    private static boolean accurateEnough(Measured validation, double threshold, Predicate<LabelledPrompt> which) {
        int answered = 0;
        int correct = 0;
        for (int i = 0; i < validation.prompts().size(); i++) {
            DomainPrediction p = validation.lexicalOnly().get(i);
            LabelledPrompt truth = validation.prompts().get(i);
            if (which.test(truth) && p.confidence() >= threshold) {
                answered++;
                correct += p.domain().equals(truth.domain()) ? 1 : 0;
            }
        }
        return answered > 0 && (double) correct / answered >= LEXICAL_TARGET_ACCURACY;
    }

    /** Embeds every distinct prompt once, {@code batch} at a time. */
    private Map<String, float[]> embed(List<List<LabelledPrompt>> sets, int batch) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(
                sets.stream().flatMap(List::stream).map(LabelledPrompt::prompt).toList()));
        Map<String, float[]> out = new HashMap<>();
        for (int i = 0; i < distinct.size(); i += batch) {
            List<String> texts = distinct.subList(i, Math.min(distinct.size(), i + batch));
            float[][] vectors = encoder.embed(texts);
            for (int k = 0; k < texts.size(); k++) {
                out.put(texts.get(k), vectors[k]);
            }
        }
        return out;
    }

    private static List<Features> features(List<LabelledPrompt> prompts, Map<String, float[]> embeddings) {
        return prompts.stream().map(p -> Features.dense(embeddings.get(p.prompt()))).toList();
    }

    private int[] labels(List<LabelledPrompt> prompts) {
        return prompts.stream().mapToInt(p -> {
            int i = domains.indexOf(p.domain());
            if (i < 0) {
                throw new IllegalArgumentException("prompt " + p.id() + ": unknown domain " + p.domain());
            }
            return i;
        }).toArray();
    }

    private static boolean validationShare(String group) {
        return Math.floorMod(group.hashCode() * 0x9E3779B9, 5) == 0;
    }

    static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    private static String sha256(List<LabelledPrompt> prompts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (LabelledPrompt p : prompts) {
                digest.update((p.id() + "\t" + p.domain() + "\t" + p.prompt() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the routing sets, trains, writes the classifier file; returns the result for reporting. */
    public static Result trainAndWrite(Path routingDir, Path out, List<String> domains, SentenceEncoder encoder,
                                       int maxTokens) throws IOException {
        Result result = new ClassifierTrainer(domains, encoder).train(LabelledPrompt.read(routingDir.resolve("train.jsonl")),
                LabelledPrompt.read(routingDir.resolve("test.jsonl")),
                LabelledPrompt.read(routingDir.resolve("user-heldout.jsonl")));
        ClassifierFile.write(out, result.contents(), "all-MiniLM-L6-v2 (quantized)", maxTokens);
        return result;
    }

    /** Writes the report's charts (SVG) into {@code dir}; returns their paths. */
    public static List<Path> writeCharts(TrainingReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> chart : report.charts().entrySet()) {
            Path file = dir.resolve(chart.getKey());
            Files.writeString(file, chart.getValue());
            written.add(file);
        }
        return written;
    }
}
