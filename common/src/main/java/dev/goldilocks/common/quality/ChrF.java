package dev.goldilocks.common.quality;

import java.util.HashMap;
import java.util.Map;

/**
 * chrF (Popović 2015): the F-score of character n-grams of orders 1 to 6 with beta = 2, white space
 * removed, in [0, 1]. The forge computes the same number in Python (models/forge/evaluate.py), so live
 * scores and the offline figures in models/manifest.json are comparable.
 */
public final class ChrF {

    private static final int ORDER = 6;
    private static final double BETA = 2.0;

    private ChrF() {
    }

    public static double score(String hypothesis, String reference) {
        int[] hyp = codePointsWithoutWhitespace(hypothesis);
        int[] ref = codePointsWithoutWhitespace(reference);
        double precision = 0;
        double recall = 0;
        for (int n = 1; n <= ORDER; n++) {
            Map<String, Integer> h = ngrams(hyp, n);
            Map<String, Integer> r = ngrams(ref, n);
            int hypTotal = Math.max(0, hyp.length - n + 1);
            int refTotal = Math.max(0, ref.length - n + 1);
            int matches = 0;
            for (Map.Entry<String, Integer> e : h.entrySet()) {
                matches += Math.min(e.getValue(), r.getOrDefault(e.getKey(), 0));
            }
            precision += hypTotal > 0 ? (double) matches / hypTotal : 0;
            recall += refTotal > 0 ? (double) matches / refTotal : 0;
        }
        precision /= ORDER;
        recall /= ORDER;
        if (precision == 0 && recall == 0) {
            return 0;
        }
        double b2 = BETA * BETA;
        return (1 + b2) * precision * recall / (b2 * precision + recall);
    }

    private static int[] codePointsWithoutWhitespace(String s) {
        return s.codePoints().filter(c -> !isPythonWhitespace(c)).toArray();
    }

    /** Python's str.split() white space, which the forge uses. */
    private static boolean isPythonWhitespace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85;
    }

    private static Map<String, Integer> ngrams(int[] cps, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= cps.length; i++) {
            counts.merge(new String(cps, i, n), 1, Integer::sum);
        }
        return counts;
    }
}
