package dev.goldilocks.router.classify;

import dev.goldilocks.router.DomainClassifier;
import dev.goldilocks.router.DomainPrediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two tiers: hashed character n-grams with a linear model answer in microseconds when they are sure
 * (calibrated probability at least the threshold chosen on validation data); the rest go to the MiniLM
 * sentence embedding with a logistic head. Both tiers' confidences are temperature-calibrated. A
 * prediction whose top probability is low, or whose top two are close, is flagged uncertain.
 */
public final class TieredClassifier implements DomainClassifier {

    /** The tier of a prediction rebuilt from the decision log's scores. */
    static final String LOGGED = "logged";

    /**
     * When a prompt fits no domain well.
     *
     * @param minConfidence below this top probability
     * @param minMargin     or below this gap between the top two probabilities
     */
    public record Abstention(double minConfidence, double minMargin) {

        boolean uncertain(double top, double second) {
            return top < minConfidence || top - second < minMargin;
        }
    }

    private final List<String> domains;
    private final HashedNgrams ngrams;
    private final LinearSoftmax lexical;
    private final double lexicalThreshold;
    private final SentenceEncoder encoder;
    private final LinearSoftmax head;
    private final Abstention abstention;

    public TieredClassifier(List<String> domains, HashedNgrams ngrams, LinearSoftmax lexical, double lexicalThreshold,
                            SentenceEncoder encoder, LinearSoftmax head, Abstention abstention) {
        this.domains = List.copyOf(domains);
        this.ngrams = ngrams;
        this.lexical = lexical;
        this.lexicalThreshold = lexicalThreshold;
        this.encoder = encoder;
        this.head = head;
        this.abstention = abstention;
    }

    /** The classifier a file describes, with {@code encoder} for its embedding tier. */
    public static TieredClassifier of(ClassifierFile.Contents c, SentenceEncoder encoder) {
        return new TieredClassifier(c.domains(), c.ngrams(), c.lexical(), c.lexicalThreshold(), encoder, c.head(),
                c.abstention());
    }

    public double lexicalThreshold() {
        return lexicalThreshold;
    }

    @Override
    public DomainPrediction classify(String prompt) {
        return classifyAll(List.of(prompt)).get(0);
    }

    /** Classifies a batch: lexical answers first, then one encoder batch for the rest. */
    public List<DomainPrediction> classifyAll(List<String> prompts) {
        List<DomainPrediction> out = new ArrayList<>(prompts.size());
        List<Integer> unsure = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            DomainPrediction sure = lexicalIfSure(prompts.get(i));
            out.add(sure);
            if (sure == null) {
                unsure.add(i);
            }
        }
        if (!unsure.isEmpty()) {
            float[][] embeddings = encoder.embed(unsure.stream().map(prompts::get).toList());
            for (int k = 0; k < unsure.size(); k++) {
                out.set(unsure.get(k), fromEmbedding(embeddings[k]));
            }
        }
        return out;
    }

    /** The lexical tier's answer when it reaches its threshold, otherwise null. */
    DomainPrediction lexicalIfSure(String prompt) {
        DomainPrediction p = lexicalOnly(prompt);
        return p.confidence() >= lexicalThreshold ? p : null;
    }

    /** The embedding tier's answer for a prompt's embedding. */
    DomainPrediction fromEmbedding(float[] embedding) {
        return prediction(head.probabilities(Features.dense(embedding)), DomainPrediction.EMBEDDING);
    }

    /** The lexical tier alone (for measurement). */
    public DomainPrediction lexicalOnly(String prompt) {
        return prediction(lexical.probabilities(ngrams.features(prompt)), DomainPrediction.LEXICAL);
    }

    /** The embedding tier alone (for measurement). */
    public DomainPrediction embeddingOnly(String prompt) {
        return fromEmbedding(encoder.embed(List.of(prompt))[0]);
    }

    @Override
    public DomainPrediction fromScores(String domain, double confidence, Map<String, Double> scores) {
        if (!scores.keySet().equals(new java.util.HashSet<>(domains))) {
            return DomainClassifier.super.fromScores(domain, confidence, scores);
        }
        return prediction(domains.stream().mapToDouble(scores::get).toArray(), LOGGED);
    }

    private DomainPrediction prediction(double[] p, String tier) {
        int best = ClassifierTrainer.argmax(p);
        int second = best == 0 ? 1 : 0;
        for (int i = 0; i < p.length; i++) {
            if (i != best && p[i] > p[second]) {
                second = i;
            }
        }
        boolean uncertain = abstention.uncertain(p[best], p[second]);
        String name = tier.equals(DomainPrediction.LEXICAL) ? "lexical tier"
                : tier.equals(DomainPrediction.EMBEDDING) ? "MiniLM embedding" : tier;
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int i = 0; i < p.length; i++) {
            scores.put(domains.get(i), p[i]);
        }
        return new DomainPrediction(domains.get(best), p[best], domains.get(second), p[second], tier, uncertain,
                String.format("%s: %s %.2f, runner-up %s %.2f%s", name, domains.get(best), p[best], domains.get(second),
                        p[second], uncertain ? ", fits no domain well" : ""), scores);
    }
}
