package dev.goldilocks.worker.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A causal language model exported in the Hugging Face Optimum layout (input_ids, attention_mask,
 * position_ids, past_key_values.{i}.key|value -> logits, present.{i}.key|value), run one sequence at a
 * time. The KV cache stays inside ONNX Runtime: a step's present tensors are handed to the next step as
 * its past without being copied through Java arrays.
 */
public final class CausalLm implements AutoCloseable {

    private static final String PAST = "past_key_values.";
    private static final String PRESENT = "present.";

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final TextTokenizer tokenizer;
    private final ModelSpec spec;
    private final int layers;
    private final long heads;
    private final long headDim;
    private final int vocabSize;

    private CausalLm(String name, OrtEnvironment env, OrtSession session, TextTokenizer tokenizer, ModelSpec spec)
            throws OrtException {
        this.name = name;
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.spec = spec;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        this.layers = (int) inputs.keySet().stream().filter(n -> n.startsWith(PAST) && n.endsWith(".key")).count();
        if (layers == 0 || !inputs.containsKey("input_ids") || !inputs.containsKey("position_ids")) {
            throw new IllegalArgumentException(name + ": not a causal LM in the Optimum layout (inputs: "
                    + inputs.keySet() + ")");
        }
        long[] pastShape = ((TensorInfo) inputs.get(PAST + "0.key").getInfo()).getShape();
        this.heads = pastShape[1];
        this.headDim = pastShape[3];
        long[] logitsShape = ((TensorInfo) session.getOutputInfo().get("logits").getInfo()).getShape();
        this.vocabSize = (int) logitsShape[2];
    }

    /** Loads model.onnx, tokenizer.json and config.json from {@code folder}; the session options must outlive it. */
    public static CausalLm load(String name, Path folder, OrtEnvironment env, OrtSession.SessionOptions options)
            throws IOException, OrtException {
        ModelSpec spec = ModelSpec.read(folder.resolve("config.json"));
        TextTokenizer tokenizer = TextTokenizer.load(folder.resolve("tokenizer.json"));
        try {
            OrtSession session = env.createSession(folder.resolve("model.onnx").toString(), options);
            return new CausalLm(name, env, session, tokenizer, spec);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public int contextTokens() {
        return spec.contextTokens();
    }

    public int eosTokenId() {
        return spec.eosTokenId();
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Runs {@code ids} after the cache of {@code previous} (null: an empty past). The caller closes
     * {@code previous} once this returns, and the returned step when done with it.
     */
    public Step forward(int[] ids, Step previous) throws OrtException {
        int past = previous == null ? 0 : previous.totalLength();
        int total = past + ids.length;
        long[] idArray = new long[ids.length];
        long[] positions = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            idArray[i] = ids[i];
            positions[i] = past + i;
        }
        long[] mask = new long[total];
        Arrays.fill(mask, 1L);
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(idArray), new long[] {1, ids.length})));
            inputs.put("attention_mask", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, total})));
            inputs.put("position_ids", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, ids.length})));
            for (int layer = 0; layer < layers; layer++) {
                for (String kind : new String[] {".key", ".value"}) {
                    OnnxTensor pastTensor = previous == null
                            ? own(owned, emptyPast())
                            : previous.present(layer + kind);
                    inputs.put(PAST + layer + kind, pastTensor);
                }
            }
            return new Step(session.run(inputs), ids.length, total, vocabSize);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor emptyPast() throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {1, heads, 0, headDim});
    }

    private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor tensor) {
        owned.add(tensor);
        return tensor;
    }

    @Override
    public void close() throws OrtException {
        session.close();
        tokenizer.close();
    }

    /** One forward pass: logits of the new positions and the KV cache up to them. */
    public static final class Step implements AutoCloseable {

        private final OrtSession.Result result;
        private final int newTokens;
        private final int totalLength;
        private final int vocabSize;
        private float[] logits;

        Step(OrtSession.Result result, int newTokens, int totalLength, int vocabSize) {
            this.result = result;
            this.newTokens = newTokens;
            this.totalLength = totalLength;
            this.vocabSize = vocabSize;
        }

        /** Tokens covered by the cache after this step. */
        public int totalLength() {
            return totalLength;
        }

        /** Logits after the new token at {@code row} (0-based among this step's tokens). */
        public float[] logits(int row) throws OrtException {
            if (logits == null) {
                FloatBuffer buffer = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
                logits = new float[buffer.remaining()];
                buffer.get(logits);
            }
            float[] out = new float[vocabSize];
            System.arraycopy(logits, row * vocabSize, out, 0, vocabSize);
            return out;
        }

        public float[] lastLogits() throws OrtException {
            return logits(newTokens - 1);
        }

        OnnxTensor present(String layerAndKind) {
            OnnxValue value = result.get(PRESENT + layerAndKind).orElseThrow();
            return (OnnxTensor) value;
        }

        @Override
        public void close() {
            result.close();
        }
    }
}
