package dev.goldilocks.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A client's score for a request; the store keeps the first one per request id, across every replica
 * writing to it.
 *
 * @param label the client's label for the score; "" when none (stored as NULL)
 */
public record Feedback(String requestId, Instant time, double score, String label) {

    public Feedback {
        Decision.requireText(requestId, "requestId");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("score: must be a finite number, got " + score);
        }
        Objects.requireNonNull(label, "label");
    }
}
