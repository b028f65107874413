package dev.goldilocks.router.classify;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 run the way the router ran it before its encoder was tuned, kept as the reference the
 * tuned one must agree with: DJL's full Encoding per text, heap buffers, the session options of then
 * (2 intra-op threads, no spinning), every output copied, mean pooling and L2 normalisation.
 */
final class ReferenceSentenceEncoder implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;

    ReferenceSentenceEncoder(int maxTokens) throws Exception {
        options.setIntraOpNumThreads(2);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        try (InputStream model = getClass().getResourceAsStream("/all-minilm-l6-v2-q.onnx");
             InputStream json = getClass().getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            session = env.createSession(model.readAllBytes(), options);
            tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("truncation", "true", "maxLength",
                    String.valueOf(maxTokens), "padding", "false", "addSpecialTokens", "true"));
        }
    }

    float[][] embed(List<String> texts) throws OrtException {
        Encoding[] encodings = texts.stream().map(tokenizer::encode).toArray(Encoding[]::new);
        int batch = encodings.length;
        int width = 1;
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
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * width]), shape));
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                int dimensions = hidden.capacity() / (batch * width);
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
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
        tokenizer.close();
        options.close();
    }
}
