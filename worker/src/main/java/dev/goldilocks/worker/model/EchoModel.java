package dev.goldilocks.worker.model;

import dev.goldilocks.worker.generate.FinishReason;
import dev.goldilocks.worker.generate.GeneratedToken;
import dev.goldilocks.worker.generate.GenerationResult;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.Scorer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A model that computes nothing, for measuring what serving costs without a model (as Triton's identity
 * models serve perf_analyzer). Its vocabulary is the 256 byte values: a text's tokens are its UTF-8 bytes, so
 * prompt lengths, context checks and usage count bytes. Every distribution it "predicts" is uniform over that
 * vocabulary, so every token's log-probability is -ln 256; it always answers with {@link #TOKEN_TEXT}, as many
 * times as asked for (max_new_tokens), all at once. Sampling parameters and stop sequences are validated as
 * for any model and otherwise ignored.
 */
public final class EchoModel implements GenerativeModel {

    /** The one token it generates. */
    public static final String TOKEN_TEXT = "x";
    /** Its id: the byte value of {@link #TOKEN_TEXT}. */
    public static final int TOKEN_ID = 'x';
    /** The log-probability of any token under its uniform distribution over 256 byte values. */
    public static final float TOKEN_LOGPROB = (float) -Math.log(256);

    private final int contextTokens;

    public EchoModel(int contextTokens) {
        if (contextTokens < 2) {
            throw new IllegalArgumentException("an echo model's context must hold at least 2 tokens, got " + contextTokens);
        }
        this.contextTokens = contextTokens;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xff;
        }
        return ids;
    }

    @Override
    public int contextTokens() {
        return contextTokens;
    }

    /**
     * max_new_tokens of {@link #TOKEN_TEXT} (LENGTH), or as many as the context leaves room for (CONTEXT_FULL),
     * the way a causal LM's generation ends; log-probabilities only when asked for.
     */
    public GenerationResult generate(int[] prompt, GenerationSettings settings, long timeToFirstTokenNanos) {
        int room = contextTokens - prompt.length;
        int n = Math.max(0, Math.min(settings.maxNewTokens(), room));
        GeneratedToken token = new GeneratedToken(TOKEN_ID, TOKEN_TEXT, settings.logprobs() ? TOKEN_LOGPROB : 0f);
        return new GenerationResult(TOKEN_TEXT.repeat(n), Collections.nCopies(n, token),
                n < settings.maxNewTokens() ? FinishReason.CONTEXT_FULL : FinishReason.LENGTH, prompt.length,
                timeToFirstTokenNanos);
    }

    /**
     * Every continuation token (byte) with log-probability -ln 256; its text is the character for an ASCII byte
     * and U+FFFD for a byte of a multi-byte character, as a byte-level tokenizer decodes one byte alone.
     */
    public List<List<GeneratedToken>> score(List<Scorer.Pair> pairs) {
        List<List<GeneratedToken>> out = new ArrayList<>(pairs.size());
        for (Scorer.Pair pair : pairs) {
            List<GeneratedToken> tokens = new ArrayList<>(pair.continuation().length);
            for (int id : pair.continuation()) {
                tokens.add(new GeneratedToken(id, id < 0x80 ? String.valueOf((char) id) : "\uFFFD", TOKEN_LOGPROB));
            }
            out.add(tokens);
        }
        return out;
    }
}
