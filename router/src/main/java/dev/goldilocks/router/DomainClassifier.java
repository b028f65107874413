package dev.goldilocks.router;

import java.util.Map;

/** Assigns a prompt to a domain. */
public interface DomainClassifier {

    DomainPrediction classify(String prompt);

    /**
     * The prediction this classifier made, rebuilt from what the decision log kept of it (every domain's
     * probability), so that a policy that never ran sees exactly what it would have seen: the runner-up and
     * whether the prompt fits no domain well follow from the scores. Without scores (a hint, or no classifier)
     * only the domain and its confidence are known.
     */
    default DomainPrediction fromScores(String domain, double confidence, Map<String, Double> scores) {
        return new DomainPrediction(domain, confidence, "", "logged");
    }
}
