package dev.goldilocks.worker.generate;

import dev.goldilocks.worker.model.TextTokenizer;
import java.util.Arrays;

/**
 * The text of a growing sequence of tokens, kept equal to decoding the whole sequence at once while each
 * new token decodes only the last few: the prefix and read offsets of TGI and vLLM. Text up to the read
 * offset is final; each token decodes the tokens from the prefix offset (one token of context, for
 * decoders that treat a leading token differently) and replaces only what follows the final text. The
 * offsets move on whenever the decoded text does not end in U+FFFD: a byte-level BPE sequence then ends
 * on a whole character, so decoding on from there gives what decoding everything would.
 */
public final class IncrementalDetokenizer {

    private static final char REPLACEMENT = '\uFFFD';

    private final TextTokenizer tokenizer;
    private final StringBuilder text = new StringBuilder();
    private int[] tokens = new int[64];
    private int count;
    private int prefixOffset;
    private int readOffset;
    private String prefixText = ""; // tokens [prefixOffset, readOffset) decoded
    private int finalLength; // text of tokens [0, readOffset)
    private int wholeDecodes;

    public IncrementalDetokenizer(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds a token; returns the text of every token so far (valid until the next call). */
    public CharSequence append(int token) {
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, count * 2);
        }
        tokens[count++] = token;
        String decoded = tokenizer.decode(tokens, prefixOffset, count);
        if (!decoded.startsWith(prefixText)) {
            // a decoder that rewrites earlier text (none of the byte-level ones): decode everything this time
            wholeDecodes++;
            text.setLength(0);
            return text.append(tokenizer.decode(tokens, 0, count));
        }
        text.setLength(finalLength);
        text.append(decoded, prefixText.length(), decoded.length());
        if (decoded.length() > prefixText.length() && decoded.charAt(decoded.length() - 1) != REPLACEMENT) {
            prefixOffset = readOffset;
            readOffset = count;
            prefixText = tokenizer.decode(tokens, prefixOffset, readOffset);
            finalLength = text.length();
        }
        return text;
    }

    /** How many tokens needed the whole sequence decoded (none, with a byte-level tokenizer). */
    public int wholeDecodes() {
        return wholeDecodes;
    }
}
