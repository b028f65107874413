package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What every request of a run asks for besides its prompt.
 *
 * @param stream       GenerateStream (time to first token measured by the client) or unary Generate
 * @param model        pin a model and skip routing
 * @param policy       ask for a routing policy
 * @param domainHint   a fixed domain hint, or {@link #LABELLED_HINT}: each prompt's own labelled domain
 * @param maxNewTokens override of each prompt's own generation budget
 * @param deadlineSeconds the deadline of every call, from the moment it is sent
 * @param units        the number of simulated users (experiment units) the requests come from, each request's
 *                     unit_id drawn by its place in the schedule; 0: no unit_id
 * @param feedback     send each scored answer's quality to the gateway as the client's Feedback
 */
public record RequestShape(boolean stream, Optional<String> model, Optional<String> policy,
                           Optional<String> domainHint, Optional<Integer> maxNewTokens, double deadlineSeconds,
                           int units, boolean feedback) {

    /** The domain hint value that sends each prompt's labelled domain (skipping the classifier). */
    public static final String LABELLED_HINT = "labelled";

    public RequestShape {
        if (!(deadlineSeconds > 0) || Double.isInfinite(deadlineSeconds)) {
            throw new IllegalArgumentException("--deadline: must be a positive number of seconds, got " + deadlineSeconds);
        }
        maxNewTokens.filter(n -> n < 1).ifPresent(n -> {
            throw new IllegalArgumentException("--max-new-tokens: must be at least 1, got " + n);
        });
        if (units < 0) {
            throw new IllegalArgumentException("--units: must be >= 0, got " + units);
        }
    }

    /** Requests without a unit and without feedback. */
    public RequestShape(boolean stream, Optional<String> model, Optional<String> policy, Optional<String> domainHint,
                        Optional<Integer> maxNewTokens, double deadlineSeconds) {
        this(stream, model, policy, domainHint, maxNewTokens, deadlineSeconds, 0, false);
    }

    /** The same requests under another routing policy. */
    public RequestShape withPolicy(Optional<String> other) {
        return new RequestShape(stream, model, other, domainHint, maxNewTokens, deadlineSeconds, units, feedback);
    }

    /** The same requests from {@code count} simulated users (0: none), with or without feedback. */
    public RequestShape withUnits(int count, boolean sendFeedback) {
        return new RequestShape(stream, model, policy, domainHint, maxNewTokens, deadlineSeconds, count, sendFeedback);
    }

    public long deadlineNanos() {
        return Math.round(deadlineSeconds * 1e9);
    }

    /** The request for {@code prompt} sent at place {@code index} of the schedule. */
    GenerateRequest request(Prompt prompt, int index) {
        GenerateRequest.Builder r = GenerateRequest.newBuilder().setPrompt(prompt.text())
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(maxNewTokens.orElse(prompt.maxNewTokens())));
        if (units > 0) {
            // the same place in every run comes from the same user: runs compare alike
            r.setUnitId("loadgen-user-" + new SplittableRandom(index).nextInt(units));
        }
        model.ifPresent(r::setModel);
        policy.ifPresent(r::setPolicy);
        domainHint.map(h -> h.equals(LABELLED_HINT) ? prompt.domain() : h).ifPresent(r::setDomainHint);
        return r.build();
    }
}
