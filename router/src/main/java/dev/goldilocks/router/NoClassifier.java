package dev.goldilocks.router;

/** Used until a learned classifier is configured: every prompt without a hint is of unknown domain. */
public final class NoClassifier implements DomainClassifier {

    @Override
    public DomainPrediction classify(String prompt) {
        return new DomainPrediction(DomainPrediction.UNKNOWN, 0.0, "", 0.0, DomainPrediction.NONE, true,
                "no domain hint and no classifier configured", java.util.Map.of());
    }
}
