package dev.goldilocks.worker.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The KV cache of a batch of sequences, right-aligned: row r's entries fill the last {@code length(r)}
 * positions of the batch's width and the padding before them is masked out. A step appends one
 * position to every row, so rows stay aligned while the batch is unchanged; when sequences join or
 * leave, {@link #gather} copies the remaining rows into a new, tighter batch.
 */
public final class KvBatch implements AutoCloseable {

    /** One row of some batch. */
    public record Row(KvBatch batch, int index) {
    }

    private final Map<String, OnnxTensor> tensors;
    private final AutoCloseable owner;
    private final int[] lengths;
    private final int width;
    private final Map<String, FloatBuffer> copies = new HashMap<>();

    KvBatch(Map<String, OnnxTensor> tensors, AutoCloseable owner, int[] lengths, int width) {
        this.tensors = tensors;
        this.owner = owner;
        this.lengths = lengths;
        this.width = width;
    }

    public int rows() {
        return lengths.length;
    }

    public int width() {
        return width;
    }

    public int length(int row) {
        return lengths[row];
    }

    OnnxTensor tensor(String layerAndKind) {
        return tensors.get(layerAndKind);
    }

    /** The tensor's values on the Java side, fetched once per gather however many rows are taken from it. */
    private FloatBuffer data(String layerAndKind) throws OrtException {
        FloatBuffer data = copies.get(layerAndKind);
        if (data == null) {
            data = tensors.get(layerAndKind).getFloatBuffer();
            copies.put(layerAndKind, data);
        }
        return data;
    }

    /** A new batch holding {@code rows} (from any batches) in this order, as narrow as its longest row. */
    static KvBatch gather(OrtEnvironment env, List<Row> rows) throws OrtException {
        KvBatch first = rows.get(0).batch();
        long[] shape = first.tensors.values().iterator().next().getInfo().getShape();
        int heads = (int) shape[1];
        int headDim = (int) shape[3];
        int[] lengths = rows.stream().mapToInt(r -> r.batch().length(r.index())).toArray();
        int width = Arrays.stream(lengths).max().orElseThrow();
        Map<String, OnnxTensor> out = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        try {
            for (String name : first.tensors.keySet()) {
                // a direct buffer in native order: ONNX Runtime takes it as the tensor's memory, without a copy
                FloatBuffer target = ByteBuffer.allocateDirect(rows.size() * heads * width * headDim * Float.BYTES)
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (int t = 0; t < rows.size(); t++) {
                    Row row = rows.get(t);
                    FloatBuffer source = row.batch().data(name);
                    int sourceWidth = row.batch().width();
                    int length = lengths[t];
                    for (int h = 0; h < heads; h++) {
                        int from = ((row.index() * heads + h) * sourceWidth + sourceWidth - length) * headDim;
                        int to = ((t * heads + h) * width + width - length) * headDim;
                        target.put(to, source, from, length * headDim);
                    }
                }
                OnnxTensor tensor = OnnxTensor.createTensor(env, target,
                        new long[] {rows.size(), heads, width, headDim});
                created.add(tensor);
                out.put(name, tensor);
            }
        } catch (OrtException | RuntimeException e) {
            created.forEach(OnnxTensor::close);
            throw e;
        }
        return new KvBatch(out, () -> created.forEach(OnnxTensor::close), lengths, width);
    }

    /** True when {@code rows} are exactly this batch's rows in order, so it can run as it is. */
    public boolean isExactly(List<Row> rows) {
        if (rows.size() != rows()) {
            return false;
        }
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).batch() != this || rows.get(i).index() != i) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing a KV cache failed", e);
        }
    }
}
