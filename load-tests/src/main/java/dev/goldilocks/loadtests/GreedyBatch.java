package dev.goldilocks.loadtests;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.generate.Sampler;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.KvBatch;
import java.util.ArrayList;
import java.util.List;

/** Generation with the model called directly, no server: the baseline the benchmarks compare the worker with. */
final class GreedyBatch {

    private GreedyBatch() {
    }

    /**
     * Runs each prompt alone, then {@code newTokens - 1} greedy decoding steps for all of them as one batch
     * (the prompt's step gives the first token); returns the nanoseconds of the batched steps.
     */
    static long decode(CausalLm model, List<int[]> prompts, int newTokens) throws OrtException {
        int[] tokens = new int[prompts.size()];
        List<KvBatch> prefills = new ArrayList<>();
        List<KvBatch.Row> rows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            CausalLm.Step prefill = model.forward(prompts.get(i), null);
            tokens[i] = Sampler.argmax(prefill.lastLogits());
            KvBatch cache = prefill.cache();
            prefills.add(cache);
            rows.add(new KvBatch.Row(cache, 0));
        }
        KvBatch past = model.gather(rows);
        prefills.forEach(KvBatch::close);
        long start = System.nanoTime();
        for (int step = 1; step < newTokens; step++) {
            CausalLm.Step next = model.decode(past, tokens);
            KvBatch grown = next.cache();
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = Sampler.argmax(next.logits(i, 0));
            }
            past.close();
            past = grown;
        }
        long nanos = System.nanoTime() - start;
        past.close();
        return nanos;
    }
}
