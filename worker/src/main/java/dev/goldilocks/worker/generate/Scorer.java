package dev.goldilocks.worker.generate;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.model.CausalLm;
import java.util.ArrayList;
import java.util.List;

/**
 * Teacher forcing: the log-probability of each continuation token given everything before it, from one
 * forward pass over prompt + continuation (tokenized separately, as a client sees them).
 */
public final class Scorer {

    private final CausalLm model;

    public Scorer(CausalLm model) {
        this.model = model;
    }

    public List<GeneratedToken> score(int[] promptIds, int[] continuationIds) throws OrtException {
        int[] all = new int[promptIds.length + continuationIds.length];
        System.arraycopy(promptIds, 0, all, 0, promptIds.length);
        System.arraycopy(continuationIds, 0, all, promptIds.length, continuationIds.length);
        List<GeneratedToken> out = new ArrayList<>(continuationIds.length);
        try (CausalLm.Step step = model.forward(all, null)) {
            for (int i = 0; i < continuationIds.length; i++) {
                int position = promptIds.length + i;
                float[] logits = step.logits(position - 1);
                int token = continuationIds[i];
                out.add(new GeneratedToken(token, model.tokenizer().decode(new int[] {token}),
                        Sampler.logprob(logits, token)));
            }
        }
        return out;
    }
}
