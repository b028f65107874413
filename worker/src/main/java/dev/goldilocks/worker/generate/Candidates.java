package dev.goldilocks.worker.generate;

import java.util.Arrays;

/**
 * Tokens with their unnormalised softmax weights {@code exp((logit - max) / temperature)}, in primitive
 * arrays that grow as needed and are reused from token to token, with selections in the sampler's order
 * (weight descending, then token id ascending: the order a stable sort by weight gives) that never sort
 * more than they must: once grouped into buckets by the weight's exponent and top mantissa bits (a
 * radix pass), a selection looks at one bucket's tokens only.
 */
final class Candidates {

    /** 64 buckets per octave of weight: a bucket's weights are within 1.6% of each other. */
    private static final int MANTISSA_BITS = 6;
    /** 64 octaves; lighter weights (below 2^-64 of the heaviest) share the last bucket. */
    private static final int BUCKETS = 64 << MANTISSA_BITS;
    private static final int HEAVIEST_KEY = bucketKey(1.0); // no weight is above exp(0)

    private int[] ids = new int[1024];
    private double[] weights = new double[1024];
    private int[] groupedIds = new int[1024];
    private double[] groupedWeights = new double[1024];
    private int[] buckets = new int[1024];
    private final int[] bucketStart = new int[BUCKETS + 1];
    private final double[] bucketMass = new double[BUCKETS];
    private int size;
    private double sum;
    private double largestBelowCut;

    /**
     * Every logit at or above {@code cut}, in index order; {@link #sum()} is their weights' sum in that
     * order, and {@link #largestBelowCut()} the largest logit left out.
     */
    void collectFrom(float[] logits, double max, double cut, double temperature) {
        size = 0;
        sum = 0;
        // compared as floats (no conversion per logit): a float is >= cut exactly when it is >= the least
        // float at or above cut
        float floatCut = (float) cut;
        if (floatCut < cut) {
            floatCut = Math.nextUp(floatCut);
        }
        float largest = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (l >= floatCut) {
                add(i, Math.exp((l - max) / temperature));
            } else if (l > largest) {
                largest = l;
            }
        }
        largestBelowCut = largest;
    }

    double largestBelowCut() {
        return largestBelowCut;
    }

    /** Every logit, NaN included (then every weight is NaN, as the reference's arithmetic makes it). */
    void collectAll(float[] logits, double max, double temperature) {
        size = 0;
        sum = 0;
        for (int i = 0; i < logits.length; i++) {
            add(i, Math.exp((logits[i] - max) / temperature));
        }
    }

    private void add(int id, double weight) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            weights = Arrays.copyOf(weights, size * 2);
            groupedIds = new int[size * 2];
            groupedWeights = new double[size * 2];
            buckets = new int[size * 2];
        }
        ids[size] = id;
        weights[size] = weight;
        size++;
        sum += weight;
    }

    int size() {
        return size;
    }

    /** The weights collected, summed in index order (before any were dropped). */
    double sum() {
        return sum;
    }

    int id(int position) {
        return ids[position];
    }

    double weight(int position) {
        return weights[position];
    }

    /**
     * Keeps only the candidates heavier than {@code floor}, grouped by bucket, heaviest first (a counting
     * sort: stable, so ids ascend within a bucket), for {@link #leadingUpTo} and {@link #leadingMass}.
     */
    void groupAbove(double floor) {
        Arrays.fill(bucketStart, 0);
        for (int i = 0; i < size; i++) {
            int b = weights[i] > floor ? bucket(weights[i]) : -1;
            buckets[i] = b;
            bucketStart[b + 1]++; // the dropped ones are counted in bucketStart[0], then left out
        }
        int dropped = bucketStart[0];
        bucketStart[0] = 0;
        for (int b = 0; b < BUCKETS; b++) {
            bucketStart[b + 1] += bucketStart[b];
        }
        int[] next = Arrays.copyOf(bucketStart, BUCKETS);
        for (int i = 0; i < size; i++) {
            if (buckets[i] >= 0) {
                int at = next[buckets[i]]++;
                groupedIds[at] = ids[i];
                groupedWeights[at] = weights[i];
            }
        }
        size -= dropped;
        int[] swapIds = ids;
        ids = groupedIds;
        groupedIds = swapIds;
        double[] swapWeights = weights;
        weights = groupedWeights;
        groupedWeights = swapWeights;
        for (int b = 0; b < BUCKETS; b++) {
            bucketMass[b] = sum(bucketStart[b], bucketStart[b + 1]);
        }
    }

    /** The first {@code m} candidates in the sampler's order: how many, their weight, and the m-th. */
    record Rank(int count, double mass, int id) {
    }

    /**
     * The fewest leading candidates (in the sampler's order) whose weights add up to at least {@code x}:
     * the buckets' masses find the bucket, quickselect on the running mass finds the candidate in it.
     * Masses are added in no particular order (callers allow for the rounding). When all the candidates
     * fall short, count is size + 1. Needs {@link #groupAbove}.
     */
    Rank leadingUpTo(double x) {
        if (x <= 0) {
            x = Double.MIN_VALUE; // the first candidate is always needed
        }
        double before = 0;
        for (int b = 0; b < BUCKETS; b++) {
            if (before + bucketMass[b] >= x) {
                return leadingUpTo(x, bucketStart[b], bucketStart[b + 1], before);
            }
            before += bucketMass[b];
        }
        return new Rank(size + 1, before, -1);
    }

    /** Within [lo, hi), whose predecessors weigh {@code before} in all, by quickselect on the running mass. */
    private Rank leadingUpTo(double x, int lo, int hi, double before) {
        while (lo < hi) {
            int k = partition(lo, hi);
            double upToPivot = before + sum(lo, k);
            if (upToPivot >= x) {
                hi = k;
                continue;
            }
            double throughPivot = upToPivot + weights[k];
            if (throughPivot >= x) {
                return new Rank(k + 1, throughPivot, ids[k]);
            }
            before = throughPivot;
            lo = k + 1;
        }
        // a coarser sum (the bucket's, or a partition's) reached x where the finer one fell short by a
        // rounding: the answer is the last candidate taken, at lo - 1, which a partition put in its place
        return new Rank(lo, before, ids[lo - 1]);
    }

    /** The weight of the leading {@code m} candidates, added in no particular order. Needs {@link #groupAbove}. */
    double leadingMass(int m) {
        double mass = 0;
        int b = 0;
        while (bucketStart[b + 1] <= m && b < BUCKETS - 1) {
            mass += bucketMass[b++];
        }
        if (bucketStart[b] < m) { // the bucket of the m-th: its leading ones
            selectLeading(m, bucketStart[b], bucketStart[b + 1]);
            mass += sum(bucketStart[b], m);
        }
        return mass;
    }

    /** Puts the leading candidates of [lo, hi), in any order, in positions [lo, m). */
    private void selectLeading(int m, int lo, int hi) {
        while (m > lo && m < hi) {
            int k = partition(lo, hi);
            if (k < m) {
                lo = k + 1;
            } else {
                hi = k;
            }
        }
    }

    private static int bucketKey(double weight) {
        return (int) (Double.doubleToRawLongBits(weight) >>> (52 - MANTISSA_BITS)); // grows with a weight >= 0
    }

    /** 0 for the heaviest weights; lighter ones in later buckets. */
    private static int bucket(double weight) {
        return Math.min(BUCKETS - 1, Math.max(0, HEAVIEST_KEY - bucketKey(weight)));
    }

    /** Sorts every candidate into the sampler's order. */
    void sortAll() {
        sort(0, size);
    }

    private void sort(int lo, int hi) {
        while (hi - lo > 16) {
            int k = partition(lo, hi);
            if (k - lo < hi - k) { // recurse into the smaller side: stack depth stays logarithmic
                sort(lo, k);
                lo = k + 1;
            } else {
                sort(k + 1, hi);
                hi = k;
            }
        }
        for (int i = lo + 1; i < hi; i++) {
            for (int j = i; j > lo && precedes(j, j - 1); j--) {
                swap(j, j - 1);
            }
        }
    }

    private double sum(int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += weights[i];
        }
        return s;
    }

    /**
     * Partitions [lo, hi) around a median-of-three pivot; returns the pivot's position, with every
     * candidate that precedes it before and every other after.
     */
    private int partition(int lo, int hi) {
        int mid = (lo + hi) >>> 1;
        int last = hi - 1;
        if (precedes(mid, lo)) {
            swap(mid, lo);
        }
        if (precedes(last, lo)) {
            swap(last, lo);
        }
        if (precedes(last, mid)) {
            swap(last, mid);
        }
        swap(mid, last); // the median is the pivot, kept at the end while partitioning
        int store = lo;
        for (int i = lo; i < last; i++) {
            if (precedes(i, last)) {
                swap(i, store++);
            }
        }
        swap(store, last);
        return store;
    }

    /** The sampler's order: heavier first (NaN heaviest, as Double.compare has it), then the lower id. */
    private boolean precedes(int a, int b) {
        int byWeight = Double.compare(weights[b], weights[a]);
        return byWeight < 0 || byWeight == 0 && ids[a] < ids[b];
    }

    private void swap(int a, int b) {
        int id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        double w = weights[a];
        weights[a] = weights[b];
        weights[b] = w;
    }
}
