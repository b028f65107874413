package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.gateway.quality.EvalItem;
import java.util.Optional;

/**
 * One prompt the load generator can send.
 *
 * @param id           the item's id in its set
 * @param domain       its labelled domain
 * @param text         the prompt
 * @param maxNewTokens the generation budget its set gives it
 * @param reference    the evaluation item, when the prompt comes from an evaluation set: answers are scored
 *                     against its reference by its metric, as the gateway's probes score them
 */
public record Prompt(String id, String domain, String text, int maxNewTokens, Optional<EvalItem> reference) {

    /** The quality of an answer in [0, 1], when the prompt has a reference. */
    public Optional<Double> score(String answer) {
        return reference.map(item -> item.score(answer));
    }
}
