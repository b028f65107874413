package dev.goldilocks.router.classify;

/**
 * A feature vector, sparse or dense: {@code value[k]} belongs to dimension {@code index[k]}.
 *
 * @param index dimensions, ascending
 * @param value their values
 */
public record Features(int[] index, double[] value) {

    public static Features dense(float[] values) {
        int[] index = new int[values.length];
        double[] value = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            index[i] = i;
            value[i] = values[i];
        }
        return new Features(index, value);
    }
}
