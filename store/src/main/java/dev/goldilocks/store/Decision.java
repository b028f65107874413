package dev.goldilocks.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One routing decision and how the request ended: a row of the {@code decision} table. Never the raw unit
 * id (only its keyed hash, see {@link UnitHasher}) and never the prompt or the answer unless the log is
 * configured to keep text. Optional text fields use "" for "none" (stored as NULL).
 *
 * @param requestId  the request id the client received (unique)
 * @param time       when the decision was made (kept to the microsecond, as the stores keep it)
 * @param traffic    client, probe or shadow
 * @param unitHash   {@link UnitHasher#hash} of the experiment unit (user, session or request); "" when none
 * @param assignment experiment, arm, policy and the hash of the policy's settings
 * @param classification the domain the classifier assigned, its confidence and its score for every domain
 * @param action     the policy's probability of choosing each candidate model, and the model it chose
 * @param serving    the model that answered, fallback and escalation, the final status
 * @param timing     latency of the request and its stages
 * @param usage      tokens and cost
 * @param text       the prompt and answer; empty unless the log keeps text
 */
public record Decision(String requestId, Instant time, TrafficClass traffic, String unitHash, Assignment assignment,
                       Classification classification, Action action, Serving serving, Timing timing, Usage usage,
                       Optional<Text> text) {

    private static final Pattern UNIT_HASH = Pattern.compile("|[0-9a-f]{" + UnitHasher.HEX_LENGTH + "}");
    /** How far the probabilities of an action distribution may sum away from 1 (rounding in the policy). */
    public static final double PROBABILITY_TOLERANCE = 1e-6;

    public Decision {
        requireText(requestId, "requestId");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        Objects.requireNonNull(traffic, "traffic");
        Objects.requireNonNull(unitHash, "unitHash");
        if (!UNIT_HASH.matcher(unitHash).matches()) {
            throw new IllegalArgumentException("unitHash: must be a UnitHasher hash or empty");
        }
        Objects.requireNonNull(assignment, "assignment");
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(serving, "serving");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(text, "text");
    }

    /** The same decision without its text, as it is written when the log does not keep text. */
    public Decision withoutText() {
        return text.isEmpty() ? this : new Decision(requestId, time, traffic, unitHash, assignment, classification,
                action, serving, timing, usage, Optional.empty());
    }

    /**
     * Who decided.
     *
     * @param experiment   the experiment; "" outside experiments
     * @param arm          the experiment arm; "" outside experiments
     * @param policy       the routing policy
     * @param settingsHash {@link SettingsHash#of} the policy's settings, so changed settings read as another policy
     */
    public record Assignment(String experiment, String arm, String policy, String settingsHash) {
        public Assignment {
            Objects.requireNonNull(experiment, "experiment");
            Objects.requireNonNull(arm, "arm");
            requireText(policy, "policy");
            requireText(settingsHash, "settingsHash");
        }
    }

    /**
     * What the classifier said.
     *
     * @param domain     the domain the request was routed for (the classifier's, or the client's hint)
     * @param confidence the confidence in that domain, in [0, 1]
     * @param scores     the classifier's score for every domain, in domain order (empty when a hint decided)
     */
    public record Classification(String domain, double confidence, Map<String, Double> scores) {
        public Classification {
            requireText(domain, "domain");
            requireProbability(confidence, "confidence");
            scores = sorted(scores, "scores");
            scores.forEach((d, s) -> requireFinite(s, "scores." + d));
        }
    }

    /**
     * What the policy did: the probability it gave each candidate model in this context (summing to 1, in
     * model order) and the model it drew. A deterministic policy gives its choice probability 1.
     */
    public record Action(Map<String, Double> distribution, String chosenModel) {
        public Action {
            distribution = sorted(distribution, "distribution");
            requireText(chosenModel, "chosenModel");
            double sum = 0;
            for (Map.Entry<String, Double> e : distribution.entrySet()) {
                requireProbability(e.getValue(), "distribution." + e.getKey());
                sum += e.getValue();
            }
            if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
                throw new IllegalArgumentException("distribution: probabilities must sum to 1, got " + sum);
            }
            Double p = distribution.get(chosenModel);
            if (p == null || p == 0) {
                throw new IllegalArgumentException("chosenModel: " + chosenModel
                        + " has no probability in the distribution");
            }
        }

        /** A deterministic choice: probability 1 for {@code model}. */
        public static Action deterministic(String model) {
            return new Action(Map.of(model, 1.0), model);
        }

        /** The probability with which the policy chose {@link #chosenModel}. */
        public double propensity() {
            return distribution.get(chosenModel);
        }
    }

    /**
     * How the request was served.
     *
     * @param servedModel      the model that produced the answer; "" when none did
     * @param fallback         the chosen model could not serve and another one answered
     * @param fallbackReason   why; "" without fallback
     * @param escalated        a cascade escalated to another model after the first answer
     * @param escalationReason why; "" without escalation
     * @param status           the final gRPC status code's name, e.g. OK or UNAVAILABLE
     */
    public record Serving(String servedModel, boolean fallback, String fallbackReason, boolean escalated,
                          String escalationReason, String status) {
        public Serving {
            Objects.requireNonNull(servedModel, "servedModel");
            Objects.requireNonNull(fallbackReason, "fallbackReason");
            Objects.requireNonNull(escalationReason, "escalationReason");
            requireText(status, "status");
        }
    }

    /**
     * Latency in seconds: the total always; the others when the request got that far.
     */
    public record Timing(double totalSeconds, OptionalDouble firstTokenSeconds, OptionalDouble queueSeconds,
                         OptionalDouble computeSeconds) {
        public Timing {
            requireSeconds(totalSeconds, "totalSeconds");
            firstTokenSeconds.ifPresent(s -> requireSeconds(s, "firstTokenSeconds"));
            queueSeconds.ifPresent(s -> requireSeconds(s, "queueSeconds"));
            computeSeconds.ifPresent(s -> requireSeconds(s, "computeSeconds"));
        }
    }

    /** Tokens and cost in US dollars of every model call the request took. */
    public record Usage(int promptTokens, int completionTokens, double costUsd) {
        public Usage {
            if (promptTokens < 0 || completionTokens < 0) {
                throw new IllegalArgumentException("tokens: must not be negative");
            }
            if (!(costUsd >= 0) || Double.isInfinite(costUsd)) {
                throw new IllegalArgumentException("costUsd: must be a non-negative number, got " + costUsd);
            }
        }
    }

    /** The request's text, kept only when the log is configured to keep it. */
    public record Text(String prompt, String answer) {
        public Text {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(answer, "answer");
        }

        @Override
        public String toString() {
            return "Text[" + prompt.length() + " + " + answer.length() + " chars]";
        }
    }

    static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": is required");
        }
    }

    private static void requireProbability(double p, String name) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + ": must be in [0, 1], got " + p);
        }
    }

    private static void requireFinite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": must be a finite number, got " + value);
        }
    }

    private static void requireSeconds(double s, String name) {
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException(name + ": must be a non-negative number of seconds, got " + s);
        }
    }

    /** An unmodifiable copy that iterates in key order, so rows are written and read back alike. */
    private static Map<String, Double> sorted(Map<String, Double> map, String name) {
        Objects.requireNonNull(map, name);
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
