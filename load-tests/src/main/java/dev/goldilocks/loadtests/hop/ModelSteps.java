package dev.goldilocks.loadtests.hop;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.generate.Sampler;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.KvBatch;

/**
 * A greedy generation run as the worker's decode loop runs it (the prompt's step from an empty past, then
 * one decoding step per token on the previous step's cache), with nothing around it: no gRPC, no queue, no
 * tokenizer, no text. What the worker's Generate of the same prompt costs beyond this is the worker's serving.
 */
final class ModelSteps {

    private final CausalLm model;

    ModelSteps(CausalLm model) {
        this.model = model;
    }

    /** Generates up to {@code maxNewTokens} greedily, stopping at end-of-text; returns how many it generated. */
    int generate(int[] prompt, int maxNewTokens) throws OrtException {
        CausalLm.Step prefill = model.forward(prompt, null);
        int token = Sampler.argmax(prefill.lastLogits());
        KvBatch cache = prefill.cache();
        int generated = 0;
        try {
            while (token != model.eosTokenId() && ++generated < maxNewTokens) {
                CausalLm.Step step = model.decode(cache, new int[] {token});
                token = Sampler.argmax(step.logits(0, 0));
                cache.close();
                cache = step.cache();
            }
        } finally {
            cache.close();
        }
        return generated;
    }
}
