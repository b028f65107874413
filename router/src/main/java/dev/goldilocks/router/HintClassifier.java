package dev.goldilocks.router;

import java.util.List;

/**
 * Takes the caller's domain hint when it names a known domain. Without a hint the domain is unknown:
 * this is the classifier of the first wave, before the learned one.
 */
public final class HintClassifier {

    private final List<String> domains;

    public HintClassifier(List<String> domains) {
        this.domains = List.copyOf(domains);
    }

    /** The hint as a certain prediction, or null when there is no usable hint. */
    public DomainPrediction fromHint(String hint) {
        if (hint == null || !domains.contains(hint)) {
            return null;
        }
        return new DomainPrediction(hint, 1.0, "", 0.0, DomainPrediction.HINT, false, "domain hint",
                java.util.Map.of());
    }
}
