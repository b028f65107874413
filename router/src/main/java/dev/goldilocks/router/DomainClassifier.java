package dev.goldilocks.router;

/** Assigns a prompt to a domain. */
public interface DomainClassifier {

    DomainPrediction classify(String prompt);
}
