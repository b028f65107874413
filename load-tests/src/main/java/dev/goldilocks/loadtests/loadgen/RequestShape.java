package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import java.util.Optional;

/**
 * What every request of a run asks for besides its prompt.
 *
 * @param stream       GenerateStream (time to first token measured by the client) or unary Generate
 * @param model        pin a model and skip routing
 * @param policy       ask for a routing policy
 * @param domainHint   a fixed domain hint, or {@link #LABELLED_HINT}: each prompt's own labelled domain
 * @param maxNewTokens override of each prompt's own generation budget
 * @param deadlineSeconds the deadline of every call, from the moment it is sent
 */
public record RequestShape(boolean stream, Optional<String> model, Optional<String> policy,
                           Optional<String> domainHint, Optional<Integer> maxNewTokens, double deadlineSeconds) {

    /** The domain hint value that sends each prompt's labelled domain (skipping the classifier). */
    public static final String LABELLED_HINT = "labelled";

    public RequestShape {
        if (!(deadlineSeconds > 0) || Double.isInfinite(deadlineSeconds)) {
            throw new IllegalArgumentException("--deadline: must be a positive number of seconds, got " + deadlineSeconds);
        }
        maxNewTokens.filter(n -> n < 1).ifPresent(n -> {
            throw new IllegalArgumentException("--max-new-tokens: must be at least 1, got " + n);
        });
    }

    /** The same requests under another routing policy. */
    public RequestShape withPolicy(Optional<String> other) {
        return new RequestShape(stream, model, other, domainHint, maxNewTokens, deadlineSeconds);
    }

    public long deadlineNanos() {
        return Math.round(deadlineSeconds * 1e9);
    }

    GenerateRequest request(Prompt prompt) {
        GenerateRequest.Builder r = GenerateRequest.newBuilder().setPrompt(prompt.text())
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(maxNewTokens.orElse(prompt.maxNewTokens())));
        model.ifPresent(r::setModel);
        policy.ifPresent(r::setPolicy);
        domainHint.map(h -> h.equals(LABELLED_HINT) ? prompt.domain() : h).ifPresent(r::setDomainHint);
        return r.build();
    }
}
