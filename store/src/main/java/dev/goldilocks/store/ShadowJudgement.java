package dev.goldilocks.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * A shadow comparison of a client request: the alternative model answered the same prompt off the
 * client's path and a judge scored both answers. At most one per request id.
 *
 * @param requestId        the client request that was shadowed
 * @param servedModel      the model that answered the client
 * @param alternativeModel the model run in the shadow
 * @param delta            judge score of the served answer minus that of the alternative (may be infinite
 *                         when one answer was empty)
 * @param verdict          from the served model's side
 */
public record ShadowJudgement(String requestId, Instant time, String servedModel, String alternativeModel,
                              double delta, Verdict verdict) implements Outcome {

    public enum Verdict {
        WIN, LOSS, TIE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Verdict ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    public ShadowJudgement {
        Decision.requireText(requestId, "requestId");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        Decision.requireText(servedModel, "servedModel");
        Decision.requireText(alternativeModel, "alternativeModel");
        if (Double.isNaN(delta)) {
            throw new IllegalArgumentException("delta: must be a number");
        }
        Objects.requireNonNull(verdict, "verdict");
    }
}
