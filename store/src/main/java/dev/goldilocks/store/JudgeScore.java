package dev.goldilocks.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A judge model's score of a client request's answer: the judged sample of an experiment's arms, drawn at the same
 * rate in every arm so that the arms' quality can be compared. At most one per request id.
 *
 * @param requestId  the judged client request
 * @param judgeModel the model that judged the answer
 * @param score      in [0, 1], higher is better
 */
public record JudgeScore(String requestId, Instant time, String judgeModel, double score) implements Outcome {

    public JudgeScore {
        Decision.requireText(requestId, "requestId");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        Decision.requireText(judgeModel, "judgeModel");
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score: must be in [0, 1], got " + score);
        }
    }
}
