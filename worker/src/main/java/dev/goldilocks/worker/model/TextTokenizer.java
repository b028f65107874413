package dev.goldilocks.worker.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.goldilocks.common.lifecycle.NativeGuard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A Hugging Face tokenizer.json run by DJL's native tokenizers library, with ids as ints. */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    /** gRPC handler threads tokenize prompts; one may still run after a drain's grace when the model closes. */
    private final NativeGuard guard = new NativeGuard("the tokenizer");

    private TextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static TextTokenizer load(Path tokenizerJson) throws IOException {
        // No special tokens, truncation or padding: the server counts tokens itself and must see them all.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "maxLength", String.valueOf(Integer.MAX_VALUE));
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options));
    }

    public int[] encode(String text) {
        long[] ids = guard.use(() -> tokenizer.encode(text, false, false).getIds());
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Decodes ids; special tokens are dropped and an incomplete UTF-8 sequence ends in U+FFFD. */
    public String decode(int[] ids, int from, int to) {
        long[] slice = new long[to - from];
        for (int i = from; i < to; i++) {
            slice[i - from] = ids[i];
        }
        return guard.use(() -> tokenizer.decode(slice, true));
    }

    public String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    @Override
    public void close() {
        guard.close(tokenizer::close);
    }
}
