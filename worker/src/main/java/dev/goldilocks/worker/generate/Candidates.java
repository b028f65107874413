package dev.goldilocks.worker.generate;

import java.util.Arrays;

/**
 * Tokens with their unnormalised softmax weights {@code exp((logit - max) / temperature)}, in primitive
 * arrays that grow as needed and are reused from token to token, with selections in the sampler's order
 * (weight descending, then token id ascending: the order a stable sort by weight gives) that never sort
 * more than they must.
 */
final class Candidates {

    private int[] ids = new int[1024];
    private double[] weights = new double[1024];
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
        largestBelowCut = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (l >= cut) {
                add(i, Math.exp((l - max) / temperature));
            } else if (l > largestBelowCut) {
                largestBelowCut = l;
            }
        }
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
        }
        ids[size] = id;
        weights[size] = weight;
        size++;
        sum += weight;
    }

    /** Keeps only the candidates whose weight is above {@code floor}. */
    void dropAtOrBelow(double floor) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (weights[i] > floor) {
                ids[kept] = ids[i];
                weights[kept] = weights[i];
                kept++;
            }
        }
        size = kept;
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

    /** The first {@code m} candidates in the sampler's order: how many, their weight, and the m-th. */
    record Rank(int count, double mass, int id) {
    }

    /**
     * The fewest leading candidates (in the sampler's order) whose weights add up to at least {@code x}, by
     * quickselect on the running mass: expected linear time, nothing sorted. The mass is added in no
     * particular order (callers allow for its rounding). When all of them fall short, count is size + 1.
     */
    Rank leadingUpTo(double x) {
        if (x <= 0) {
            x = Double.MIN_VALUE; // the first candidate is always needed
        }
        int lo = 0;
        int hi = size;
        double before = 0; // mass of positions [0, lo), which hold the leading lo candidates
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
        // the coarser sum reached x where the finer one fell short by a rounding: the answer is position hi - 1
        return hi < size ? new Rank(hi, before, ids[hi - 1]) : new Rank(size + 1, before, -1);
    }

    /** The weight of the leading {@code m} candidates, added in no particular order. */
    double leadingMass(int m) {
        selectLeading(m);
        return sum(0, m);
    }

    /** Puts the leading {@code m} candidates, in any order, in positions [0, m). */
    private void selectLeading(int m) {
        int lo = 0;
        int hi = size;
        while (m > lo && m < hi) {
            int k = partition(lo, hi);
            if (k < m) {
                lo = k + 1;
            } else {
                hi = k;
            }
        }
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
