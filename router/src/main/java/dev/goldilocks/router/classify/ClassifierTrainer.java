package dev.goldilocks.router.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Trains both tiers on models/routing/train.jsonl (a fifth held back by id for calibration and for the
 * lexical threshold) and measures them on models/routing/test.jsonl, which nothing was fitted on.
 */
public final class ClassifierTrainer {

    public static final int BUCKETS = 1 << 13;
    /** The lexical tier answers only where it was at least this accurate on validation data. */
    static final double LEXICAL_TARGET_ACCURACY = 0.995;
    /** Whatever validation says, a prompt the lexical tier is less sure of than this goes to the embedding. */
    static final double MIN_LEXICAL_CONFIDENCE = 0.9;
    private static final int BATCH = 32;

    private final List<String> domains;
    private final SentenceEncoder encoder;

    public ClassifierTrainer(List<String> domains, SentenceEncoder encoder) {
        this.domains = List.copyOf(domains);
        this.encoder = encoder;
    }

    /** What training produced, and a Markdown report of its measurements. */
    public record Result(ClassifierFile.Contents contents, TieredClassifier classifier, String report) {
    }

    public Result train(List<LabelledPrompt> train, List<LabelledPrompt> test) {
        List<LabelledPrompt> fit = new ArrayList<>();
        List<LabelledPrompt> validation = new ArrayList<>();
        for (LabelledPrompt p : train) {
            (validationShare(p.id()) ? validation : fit).add(p);
        }
        HashedNgrams ngrams = new HashedNgrams(BUCKETS, 2, 4);
        LinearSoftmax lexical = LinearSoftmax.train(features(fit, p -> ngrams.features(p.prompt())), labels(fit),
                domains.size(), BUCKETS, 1e-5, 200, 0.05);
        lexical.calibrate(features(validation, p -> ngrams.features(p.prompt())), labels(validation));
        double threshold = lexicalThreshold(lexical, ngrams, validation);

        List<Features> fitEmbeddings = embed(fit);
        LinearSoftmax head = LinearSoftmax.train(fitEmbeddings, labels(fit), domains.size(), encoder.dimensions(),
                1e-4, 300, 0.05);
        head.calibrate(embed(validation), labels(validation));
        TieredClassifier classifier = new TieredClassifier(domains, ngrams, lexical, threshold, encoder, head);

        List<String> truth = test.stream().map(LabelledPrompt::domain).toList();
        List<String> tiered = new ArrayList<>();
        for (int i = 0; i < test.size(); i += BATCH) {
            classifier.classifyAll(test.subList(i, Math.min(test.size(), i + BATCH)).stream()
                    .map(LabelledPrompt::prompt).toList()).forEach(d -> tiered.add(d.domain()));
        }
        List<String> lexicalAnswers = new ArrayList<>();
        List<String> lexicalTruth = new ArrayList<>();
        List<String> lexicalOnly = new ArrayList<>();
        for (LabelledPrompt p : test) {
            var prediction = classifier.lexicalOnly(p.prompt());
            lexicalOnly.add(prediction.domain());
            if (prediction.confidence() >= threshold) {
                lexicalAnswers.add(prediction.domain());
                lexicalTruth.add(p.domain());
            }
        }
        List<Features> testEmbeddings = embed(test);
        List<String> embeddingOnly = testEmbeddings.stream().map(f -> domains.get(argmax(head.probabilities(f)))).toList();

        Evaluation all = Evaluation.of(domains, truth, tiered);
        Evaluation lex = Evaluation.of(domains, truth, lexicalOnly);
        Evaluation emb = Evaluation.of(domains, truth, embeddingOnly);
        Evaluation lexAnswered = Evaluation.of(domains, lexicalTruth, lexicalAnswers);
        double share = (double) lexicalAnswers.size() / test.size();

        ObjectNode m = new ObjectMapper().createObjectNode();
        m.put("train_prompts", fit.size());
        m.put("validation_prompts", validation.size());
        m.put("test_prompts", test.size());
        m.put("train_sha256", sha256(train));
        m.put("test_accuracy", all.accuracy());
        m.put("test_macro_f1", all.macroF1());
        m.put("lexical_share", share);
        m.put("lexical_answered_accuracy", lexAnswered.accuracy());
        m.put("embedding_only_accuracy", emb.accuracy());
        m.put("lexical_only_accuracy", lex.accuracy());
        String report = String.format("Held-out routing set: %d prompts (balanced over %s), never used in training or"
                        + " calibration. Trained on %d prompts, calibrated on %d.%n%n"
                        + "| classifier | accuracy | macro-F1 |%n|---|---|---|%n"
                        + "| tiered (what the gateway runs) | %.4f | %.4f |%n"
                        + "| MiniLM embedding + logistic head alone | %.4f | %.4f |%n"
                        + "| lexical tier alone | %.4f | %.4f |%n%n"
                        + "The lexical tier answered %.1f%% of the held-out prompts (threshold %.3f on its calibrated"
                        + " probability: the lowest, and at least %.2f, that gave %.1f%% accuracy on validation data) and was"
                        + " right on %.4f of them;"
                        + " the embedding tier answered the rest.%n%n"
                        + "Confusion matrix of the tiered classifier on the held-out set:%n%n%s",
                test.size(), domains, fit.size(), validation.size(), all.accuracy(), all.macroF1(), emb.accuracy(),
                emb.macroF1(), lex.accuracy(), lex.macroF1(), 100 * share, threshold, MIN_LEXICAL_CONFIDENCE, 100 * LEXICAL_TARGET_ACCURACY,
                lexAnswered.accuracy(), all.confusionTable());
        return new Result(new ClassifierFile.Contents(domains, ngrams, lexical, threshold, head, m), classifier, report);
    }

    /** The lowest threshold at which the lexical tier's validation answers are accurate enough. */
    private double lexicalThreshold(LinearSoftmax lexical, HashedNgrams ngrams, List<LabelledPrompt> validation) {
        double[] confidence = new double[validation.size()];
        boolean[] right = new boolean[validation.size()];
        for (int i = 0; i < validation.size(); i++) {
            double[] p = lexical.probabilities(ngrams.features(validation.get(i).prompt()));
            confidence[i] = p[argmax(p)];
            right[i] = domains.get(argmax(p)).equals(validation.get(i).domain());
        }
        for (int step = (int) (MIN_LEXICAL_CONFIDENCE * 1000); step <= 999; step++) {
            double t = step / 1000.0;
            int answered = 0;
            int correct = 0;
            for (int i = 0; i < confidence.length; i++) {
                if (confidence[i] >= t) {
                    answered++;
                    correct += right[i] ? 1 : 0;
                }
            }
            if (answered > 0 && (double) correct / answered >= LEXICAL_TARGET_ACCURACY) {
                return t;
            }
        }
        return 1.01; // never sure enough: every prompt goes to the embedding tier
    }

    private List<Features> embed(List<LabelledPrompt> prompts) {
        List<Features> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i += BATCH) {
            for (float[] e : encoder.embed(prompts.subList(i, Math.min(prompts.size(), i + BATCH)).stream()
                    .map(LabelledPrompt::prompt).toList())) {
                out.add(Features.dense(e));
            }
        }
        return out;
    }

    private static List<Features> features(List<LabelledPrompt> prompts, Function<LabelledPrompt, Features> f) {
        return prompts.stream().map(f).toList();
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

    private static boolean validationShare(String id) {
        return Math.floorMod(id.hashCode() * 0x9E3779B9, 5) == 0;
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
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the routing set, trains, writes the classifier file; returns the result for reporting. */
    public static Result trainAndWrite(Path routingDir, Path out, List<String> domains, MiniLmEncoder encoder,
                                       int maxTokens) throws IOException {
        Result result = new ClassifierTrainer(domains, encoder).train(LabelledPrompt.read(routingDir.resolve("train.jsonl")),
                LabelledPrompt.read(routingDir.resolve("test.jsonl")));
        ClassifierFile.write(out, result.contents(), "all-MiniLM-L6-v2 (quantized)", maxTokens);
        return result;
    }
}
