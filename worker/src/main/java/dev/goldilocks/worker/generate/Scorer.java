package dev.goldilocks.worker.generate;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.model.CausalLm;
import java.util.ArrayList;
import java.util.List;

/**
 * Teacher forcing: the log-probability of each continuation token given everything before it, from one
 * forward pass over prompt + continuation (tokenized separately, as a client sees them). Several
 * requests run as one padded batch.
 */
public final class Scorer {

    private final CausalLm model;

    public Scorer(CausalLm model) {
        this.model = model;
    }

    /** A prompt and the continuation to score after it. */
    public record Pair(int[] prompt, int[] continuation) {
    }

    public List<GeneratedToken> score(int[] promptIds, int[] continuationIds) throws OrtException {
        return score(List.of(new Pair(promptIds, continuationIds))).get(0);
    }

    /** Scores every pair in one forward pass; the answers come in the pairs' order. */
    public List<List<GeneratedToken>> score(List<Pair> pairs) throws OrtException {
        int[][] rows = new int[pairs.size()][];
        for (int r = 0; r < rows.length; r++) {
            Pair pair = pairs.get(r);
            rows[r] = new int[pair.prompt().length + pair.continuation().length];
            System.arraycopy(pair.prompt(), 0, rows[r], 0, pair.prompt().length);
            System.arraycopy(pair.continuation(), 0, rows[r], pair.prompt().length, pair.continuation().length);
        }
        List<List<GeneratedToken>> out = new ArrayList<>(rows.length);
        try (CausalLm.Step step = model.forwardBatch(rows)) {
            for (int r = 0; r < rows.length; r++) {
                Pair pair = pairs.get(r);
                List<GeneratedToken> tokens = new ArrayList<>(pair.continuation().length);
                for (int i = 0; i < pair.continuation().length; i++) {
                    float[] logits = step.logits(r, pair.prompt().length + i - 1);
                    int token = pair.continuation()[i];
                    tokens.add(new GeneratedToken(token, model.tokenizer().decode(new int[] {token}),
                            Sampler.logprob(logits, token)));
                }
                out.add(tokens);
            }
        }
        return out;
    }
}
