package dev.goldilocks.router.classify;

import java.util.Arrays;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Character n-grams of the lower-cased text, and word n-grams up to {@code maxWordN} words, hashed into a
 * fixed number of buckets, with sublinear counts and unit length: a cheap lexical view of a prompt that
 * costs microseconds. Words carry what a question is about; character n-grams carry code's punctuation.
 */
public final class HashedNgrams {

    private static final int MAX_CHARS = 2000;
    private static final Pattern WORD_SPLIT = Pattern.compile("[^\\p{L}\\p{N}_]+");

    private final int buckets;
    private final int minN;
    private final int maxN;
    private final int maxWordN;

    public HashedNgrams(int buckets, int minN, int maxN, int maxWordN) {
        this.buckets = buckets;
        this.minN = minN;
        this.maxN = maxN;
        this.maxWordN = maxWordN;
    }

    public int buckets() {
        return buckets;
    }

    public int minN() {
        return minN;
    }

    public int maxN() {
        return maxN;
    }

    public int maxWordN() {
        return maxWordN;
    }

    public Features features(String text) {
        String s = " " + text.substring(0, Math.min(text.length(), MAX_CHARS)).toLowerCase(Locale.ROOT) + " ";
        TreeMap<Integer, Double> counts = new TreeMap<>();
        for (int n = minN; n <= maxN; n++) {
            for (int i = 0; i + n <= s.length(); i++) {
                counts.merge(bucket(s, i, n), 1.0, Double::sum);
            }
        }
        String[] words = WORD_SPLIT.split(s.strip());
        for (int n = 1; n <= maxWordN; n++) {
            for (int i = 0; i + n <= words.length; i++) {
                counts.merge(bucket(String.join(" ", Arrays.asList(words).subList(i, i + n)), 0, -n), 1.0, Double::sum);
            }
        }
        int[] index = new int[counts.size()];
        double[] value = new double[counts.size()];
        double norm = 0;
        int k = 0;
        for (var e : counts.entrySet()) {
            index[k] = e.getKey();
            value[k] = 1 + Math.log(e.getValue());
            norm += value[k] * value[k];
            k++;
        }
        double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        return new Features(index, Arrays.stream(value).map(v -> v * scale).toArray());
    }

    /**
     * FNV-1a over the n-gram's chars and its length (negative for a word n-gram, which spans the whole string):
     * stable across JVMs and versions.
     */
    private int bucket(String s, int from, int n) {
        int h = 0x811c9dc5 ^ n;
        int to = n < 0 ? s.length() : from + n;
        for (int i = from; i < to; i++) {
            h = (h ^ s.charAt(i)) * 0x01000193;
        }
        return Math.floorMod(h, buckets);
    }
}
