package dev.goldilocks.router.classify;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 run the plain way, the reference the router's tuned encoder must agree with: DJL's
 * whole Encoding per text, nested Java arrays in and out, the session options the router had before
 * (2 intra-op threads, no spinning), mean pooling and L2 normalisation in double precision.
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

    /** One padded batch: nested arrays, zeros after each text's tokens. */
    float[][] embed(List<String> texts) throws OrtException {
        List<long[]> rows = texts.stream().map(t -> tokenizer.encode(t).getIds()).toList();
        int width = Math.max(1, rows.stream().mapToInt(r -> r.length).max().orElse(1));
        long[][] ids = new long[rows.size()][];
        long[][] mask = new long[rows.size()][width];
        for (int b = 0; b < rows.size(); b++) {
            ids[b] = Arrays.copyOf(rows.get(b), width);
            Arrays.fill(mask[b], 0, rows.get(b).length, 1L);
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, ids));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, new long[rows.size()][width]));
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                float[][] out = new float[rows.size()][];
                for (int b = 0; b < rows.size(); b++) {
                    out[b] = meanOfUnmasked(hidden[b], rows.get(b).length);
                }
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The mean of the first {@code tokens} rows, in double precision, scaled to unit length. */
    private static float[] meanOfUnmasked(float[][] rows, int tokens) {
        double[] mean = new double[rows[0].length];
        for (int t = 0; t < tokens; t++) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += rows[t][d] / (double) tokens;
            }
        }
        double norm = Math.sqrt(Arrays.stream(mean).map(v -> v * v).sum());
        float[] out = new float[mean.length];
        for (int d = 0; d < mean.length; d++) {
            out[d] = (float) (mean[d] / norm);
        }
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
        tokenizer.close();
        options.close();
    }
}
