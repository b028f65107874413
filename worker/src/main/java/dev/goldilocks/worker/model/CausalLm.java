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
import java.util.Set;
import java.util.function.Function;

/**
 * A causal language model exported in the Hugging Face Optimum layout (input_ids, attention_mask,
 * position_ids, past_key_values.{i}.key|value -> logits, present.{i}.key|value): one sequence step by
 * step, or a padded batch of whole sequences, or one decoding step of a batch. The KV cache stays inside
 * ONNX Runtime: a step's present tensors are handed to the next step as its past without being copied
 * through Java arrays (a batch's cache is copied only when sequences join or leave: KvBatch.gather).
 */
public final class CausalLm implements GenerativeModel, AutoCloseable {

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
    /** Every run's options, so that {@link #terminate} can stop a run in progress from another thread. */
    private final OrtSession.RunOptions runOptions;

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
        this.runOptions = new OrtSession.RunOptions();
    }

    /** Loads model.onnx, tokenizer.json and config.json from {@code folder}; the session options must outlive it. */
    public static CausalLm load(String name, Path folder, OrtEnvironment env, OrtSession.SessionOptions options)
            throws IOException, OrtException {
        ModelSpec spec = ModelSpec.read(folder.resolve("config.json"));
        TextTokenizer tokenizer = TextTokenizer.load(folder.resolve("tokenizer.json"));
        OrtSession session = null;
        try {
            session = env.createSession(folder.resolve("model.onnx").toString(), options);
            return new CausalLm(name, env, session, tokenizer, spec);
        } catch (OrtException | RuntimeException e) {
            if (session != null) {
                session.close(); // the graph loaded but is not a causal LM in the Optimum layout
            }
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

    @Override
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    @Override
    public int contextTokens() {
        return spec.contextTokens();
    }

    public int eosTokenId() {
        return spec.eosTokenId();
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
        OrtSession.Result result = run(1, idArray, positions, mask, previous == null ? null : previous::present, true);
        return new Step(result, ids.length, total, vocabSize, new int[] {total}, layers);
    }

    /**
     * Runs several sequences as one batch from an empty past, right-padded to the longest. Padding is
     * masked out and every row keeps its own positions, so a row's logits equal what it gets alone
     * (within float rounding). Only the logits are fetched: a batch has no next step to need the cache.
     */
    public Step forwardBatch(int[][] rows) throws OrtException {
        int width = Arrays.stream(rows).mapToInt(r -> r.length).max().orElseThrow();
        long[] ids = new long[rows.length * width];
        long[] mask = new long[rows.length * width];
        long[] positions = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < rows[r].length; i++) {
                ids[r * width + i] = rows[r][i];
                mask[r * width + i] = 1L;
                positions[r * width + i] = i;
            }
        }
        return new Step(run(rows.length, ids, positions, mask, null, false), width, width, vocabSize, null, 0);
    }

    /**
     * One decoding step of a batch: each row's newest token after that row's cache. Rows have their own
     * lengths: the padding before a shorter row is masked out and each row keeps its own positions.
     * The returned step's {@link Step#cache} is the batch's cache one position wider.
     */
    public Step decode(KvBatch past, int[] tokens) throws OrtException {
        int rows = tokens.length;
        int width = past.width() + 1;
        long[] ids = new long[rows];
        long[] positions = new long[rows];
        long[] mask = new long[rows * width];
        int[] lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            ids[r] = tokens[r];
            positions[r] = past.length(r);
            lengths[r] = past.length(r) + 1;
            Arrays.fill(mask, r * width + width - lengths[r], (r + 1) * width, 1L);
        }
        return new Step(run(rows, ids, positions, mask, past::tensor, true), 1, width, vocabSize, lengths, layers);
    }

    /**
     * One run of the graph: {@code rows} rows of new ids with their positions, an attention mask over
     * past and new positions, and the past per layer ("0.key", ...) or, when {@code past} is null, an
     * empty one. Without {@code withCache} only the logits are fetched.
     */
    private OrtSession.Result run(int rows, long[] ids, long[] positions, long[] mask,
                                  Function<String, OnnxTensor> past, boolean withCache) throws OrtException {
        long[] newShape = {rows, ids.length / rows};
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), newShape)));
            inputs.put("attention_mask", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(mask),
                    new long[] {rows, mask.length / rows})));
            inputs.put("position_ids", own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(positions), newShape)));
            OnnxTensor empty = past == null ? own(owned, emptyPast(rows)) : null;
            for (int layer = 0; layer < layers; layer++) {
                for (String kind : new String[] {".key", ".value"}) {
                    inputs.put(PAST + layer + kind, past == null ? empty : past.apply(layer + kind));
                }
            }
            return withCache ? session.run(inputs, runOptions)
                    : session.run(inputs, Set.of("logits"), runOptions);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    /** Copies {@code rows} of any caches into one new batch, in this order. */
    public KvBatch gather(List<KvBatch.Row> rows) throws OrtException {
        return KvBatch.gather(env, rows);
    }

    private OnnxTensor emptyPast(int batch) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {batch, heads, 0, headDim});
    }

    private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor tensor) {
        owned.add(tensor);
        return tensor;
    }

    /**
     * Makes the run in progress, and every later one, fail at once (ONNX Runtime's terminate flag): for a
     * shutdown whose thread must end before the session may be closed.
     */
    public void terminate() throws OrtException {
        runOptions.setTerminate(true);
    }

    /** Only once no thread runs the model: closing a session under a running step crashes the process. */
    @Override
    public void close() throws OrtException {
        try {
            session.close();
        } finally {
            runOptions.close();
            tokenizer.close();
        }
    }

    /** One forward pass: logits of the new positions and the KV cache up to them. */
    public static final class Step implements AutoCloseable {

        private final OrtSession.Result result;
        private final int newTokens;
        private final int totalLength;
        private final int vocabSize;
        private final int[] lengths;
        private final int layers;
        private FloatBuffer logits;

        Step(OrtSession.Result result, int newTokens, int totalLength, int vocabSize, int[] lengths, int layers) {
            this.result = result;
            this.newTokens = newTokens;
            this.totalLength = totalLength;
            this.vocabSize = vocabSize;
            this.lengths = lengths;
            this.layers = layers;
        }

        /**
         * The cache after this step as a batch; it takes this step over: closing the cache closes the step
         * (read the logits first or while the cache is open).
         */
        public KvBatch cache() {
            if (lengths == null) {
                throw new IllegalStateException("a whole-sequence batch keeps no cache");
            }
            Map<String, OnnxTensor> tensors = new HashMap<>();
            for (int layer = 0; layer < layers; layer++) {
                tensors.put(layer + ".key", present(layer + ".key"));
                tensors.put(layer + ".value", present(layer + ".value"));
            }
            return new KvBatch(tensors, this, lengths, totalLength);
        }

        /** Tokens covered by the cache after this step. */
        public int totalLength() {
            return totalLength;
        }

        /** Logits after the new token at {@code row} (0-based among this step's tokens). */
        public float[] logits(int row) throws OrtException {
            return logits(0, row);
        }

        /** Logits of batch row {@code sequence} after its token at {@code position}. */
        public float[] logits(int sequence, int position) throws OrtException {
            if (logits == null) {
                logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
            }
            float[] out = new float[vocabSize];
            logits.get((sequence * newTokens + position) * vocabSize, out);
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
