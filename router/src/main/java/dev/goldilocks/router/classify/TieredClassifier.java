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
 * sentence embedding with a logistic head. Both tiers' confidences are temperature-calibrated.
 */
public final class TieredClassifier implements DomainClassifier {

    private final List<String> domains;
    private final HashedNgrams ngrams;
    private final LinearSoftmax lexical;
    private final double lexicalThreshold;
    private final SentenceEncoder encoder;
    private final LinearSoftmax head;

    public TieredClassifier(List<String> domains, HashedNgrams ngrams, LinearSoftmax lexical, double lexicalThreshold,
                            SentenceEncoder encoder, LinearSoftmax head) {
        this.domains = List.copyOf(domains);
        this.ngrams = ngrams;
        this.lexical = lexical;
        this.lexicalThreshold = lexicalThreshold;
        this.encoder = encoder;
        this.head = head;
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
            double[] p = lexical.probabilities(ngrams.features(prompts.get(i)));
            if (max(p) >= lexicalThreshold) {
                out.add(prediction(p, "lexical tier"));
            } else {
                out.add(null);
                unsure.add(i);
            }
        }
        if (!unsure.isEmpty()) {
            float[][] embeddings = encoder.embed(unsure.stream().map(prompts::get).toList());
            for (int k = 0; k < unsure.size(); k++) {
                out.set(unsure.get(k), prediction(head.probabilities(Features.dense(embeddings[k])), "MiniLM embedding"));
            }
        }
        return out;
    }

    /** The lexical tier alone (for measurement). */
    public DomainPrediction lexicalOnly(String prompt) {
        return prediction(lexical.probabilities(ngrams.features(prompt)), "lexical tier");
    }

    /** The embedding tier alone (for measurement). */
    public DomainPrediction embeddingOnly(String prompt) {
        return prediction(head.probabilities(Features.dense(encoder.embed(List.of(prompt))[0])), "MiniLM embedding");
    }

    private DomainPrediction prediction(double[] p, String tier) {
        int best = 0;
        int second = -1;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                second = best;
                best = i;
            } else if (second < 0 || p[i] > p[second]) {
                second = i;
            }
        }
        if (second < 0 && p.length > 1) {
            second = best == 0 ? 1 : 0;
        }
        String runnerUp = second >= 0 ? domains.get(second) : "";
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int i = 0; i < p.length; i++) {
            scores.put(domains.get(i), p[i]);
        }
        return new DomainPrediction(domains.get(best), p[best], runnerUp,
                String.format("%s: %s %.2f, runner-up %s %.2f", tier, domains.get(best), p[best], runnerUp,
                        second >= 0 ? p[second] : 0.0), scores);
    }

    private static double max(double[] p) {
        double m = 0;
        for (double v : p) {
            m = Math.max(m, v);
        }
        return m;
    }
}
