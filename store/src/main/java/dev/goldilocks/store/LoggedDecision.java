package dev.goldilocks.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A decision read back with the outcomes recorded for its request id: what off-policy estimators and
 * {@code goldilocks log tail} read.
 */
public record LoggedDecision(Decision decision, Optional<Feedback> feedback, Optional<ShadowJudgement> shadow,
                             Optional<ProbeScore> probe) {

    public LoggedDecision {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(feedback, "feedback");
        Objects.requireNonNull(shadow, "shadow");
        Objects.requireNonNull(probe, "probe");
    }
}
