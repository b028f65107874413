package dev.goldilocks.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The score of a probe request: a held-out item with a reference, so its true quality is known. At most
 * one per request id (each model a probe tries is its own request).
 *
 * @param requestId              the probe request
 * @param itemId                 the evaluation item's id
 * @param metric                 the item's metric, e.g. exact_match or loglik_chrf
 * @param score                  the answer's quality by that metric, in [0, 1]
 * @param referenceLoglikPerByte the model's log-likelihood per byte of the item's reference, where the
 *                               metric measures it
 */
public record ProbeScore(String requestId, Instant time, String itemId, String metric, double score,
                         OptionalDouble referenceLoglikPerByte) implements Outcome {

    public ProbeScore {
        Decision.requireText(requestId, "requestId");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        Decision.requireText(itemId, "itemId");
        Decision.requireText(metric, "metric");
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score: must be in [0, 1], got " + score);
        }
        Objects.requireNonNull(referenceLoglikPerByte, "referenceLoglikPerByte");
    }
}
