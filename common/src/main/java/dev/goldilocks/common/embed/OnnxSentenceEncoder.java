package dev.goldilocks.common.embed;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.goldilocks.common.lifecycle.NativeGuard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT-style sentence encoder in ONNX (such as all-MiniLM-L6-v2): a padded batch through the model,
 * then mean pooling of the last hidden states over the attention mask and L2 normalisation, as
 * sentence-transformers does. Texts longer than the maximum are truncated, as sentence-transformers
 * truncates at its max_seq_length.
 */
public final class OnnxSentenceEncoder implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean tokenTypes;
    private final int dimensions;
    private final int maxTokens;
    /** The router classifies on request and probe threads that may still run when the gateway closes. */
    private final NativeGuard guard = new NativeGuard("the sentence encoder");

    private OnnxSentenceEncoder(OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer,
                                int maxTokens) throws OrtException {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
        long[] hidden = ((TensorInfo) session.getOutputInfo().values().iterator().next().getInfo()).getShape();
        this.dimensions = (int) hidden[hidden.length - 1];
    }

    /**
     * @param model     the ONNX graph (input_ids, attention_mask[, token_type_ids] -> last hidden states)
     * @param tokenizer a Hugging Face tokenizer.json
     * @param options   session options; the caller keeps them open while the encoder lives
     */
    public static OnnxSentenceEncoder load(InputStream model, InputStream tokenizer, int maxTokens,
                                           OrtSession.SessionOptions options) throws IOException, OrtException {
        HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(tokenizer, Map.of("truncation", "true",
                "maxLength", String.valueOf(maxTokens), "padding", "false", "addSpecialTokens", "true"));
        OrtSession session = null;
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            session = env.createSession(model.readAllBytes(), options);
            return new OnnxSentenceEncoder(env, session, hf, maxTokens);
        } catch (IOException | OrtException | RuntimeException e) {
            if (session != null) {
                session.close();
            }
            hf.close();
            throw e;
        }
    }

    public int dimensions() {
        return dimensions;
    }

    /** Texts longer than this many tokens are truncated. */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Unit-length embeddings of {@code texts}, computed as one padded batch.
     *
     * @throws IllegalStateException once the encoder is closed
     */
    public float[][] embed(List<String> texts) throws OrtException {
        return guard.use(() -> embedOpen(texts));
    }

    private float[][] embedOpen(List<String> texts) throws OrtException {
        long[][] encodings = texts.stream().map(this::tokenIds).toArray(long[][]::new);
        int batch = encodings.length;
        int width = 1;
        for (long[] e : encodings) {
            width = Math.max(width, e.length);
        }
        long[] ids = new long[batch * width];
        long[] mask = new long[batch * width];
        for (int b = 0; b < batch; b++) {
            long[] row = encodings[b];
            System.arraycopy(row, 0, ids, b * width, row.length);
            for (int t = 0; t < row.length; t++) {
                mask[b * width + t] = 1;
            }
        }
        long[] shape = {batch, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (tokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * width]), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return meanPoolNormalized(hidden, mask, batch, width);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The ids alone: DJL's {@code encode} also copies tokens (as strings), word ids, offsets and masks
     * out of the native encoding, a quarter of the tokenizer's time, all unused here.
     */
    private long[] tokenIds(String text) {
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, true);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    private float[][] meanPoolNormalized(FloatBuffer hidden, long[] mask, int batch, int width) {
        float[][] out = new float[batch][dimensions];
        for (int b = 0; b < batch; b++) {
            int count = 0;
            for (int t = 0; t < width; t++) {
                if (mask[b * width + t] == 0) {
                    continue;
                }
                count++;
                int base = (b * width + t) * dimensions;
                for (int d = 0; d < dimensions; d++) {
                    out[b][d] += hidden.get(base + d);
                }
            }
            double norm = 0;
            for (int d = 0; d < dimensions; d++) {
                out[b][d] /= Math.max(1, count);
                norm += out[b][d] * out[b][d];
            }
            float scale = (float) (1 / Math.max(1e-12, Math.sqrt(norm)));
            for (int d = 0; d < dimensions; d++) {
                out[b][d] *= scale;
            }
        }
        return out;
    }

    /** Waits for the runs in progress (closing a native session or tokenizer under a run crashes the JVM). */
    @Override
    public void close() throws OrtException {
        guard.close(() -> {
            try {
                session.close();
            } finally {
                tokenizer.close();
            }
        });
    }
}
