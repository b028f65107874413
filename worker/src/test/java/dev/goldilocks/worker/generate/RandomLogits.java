package dev.goldilocks.worker.generate;

import java.util.SplittableRandom;

/** Logits of many shapes, for comparing samplers: the cases a sort-free sampler could get wrong. */
final class RandomLogits {

    private RandomLogits() {
    }

    static final int SHAPES = 10;

    static float[] of(SplittableRandom random, int vocabulary) {
        return of(random, vocabulary, random.nextInt(SHAPES));
    }

    static float[] of(SplittableRandom random, int vocabulary, int shape) {
        float[] logits = new float[vocabulary];
        double spread = Math.exp(random.nextDouble(-3, 3));
        for (int i = 0; i < vocabulary; i++) {
            logits[i] = switch (shape) {
                case 0 -> (float) (random.nextGaussian() * spread);
                case 1 -> (float) Math.rint(random.nextGaussian() * 2); // a few values, many ties
                case 2 -> 3f; // all tied
                case 3 -> (float) (random.nextGaussian() * spread * 1e30); // huge: exp underflows for most
                case 4 -> random.nextInt(8) == 0 ? Float.NEGATIVE_INFINITY : (float) random.nextGaussian();
                case 5 -> random.nextInt(50) == 0 ? Float.NaN : (float) random.nextGaussian();
                case 6 -> random.nextInt(50) == 0 ? Float.POSITIVE_INFINITY : (float) random.nextGaussian();
                case 7 -> (float) (random.nextGaussian() * 1e-7 + 1); // equal up to the last bits
                default -> (float) (random.nextGaussian() * 2.5 - 10);
            };
        }
        if (shape >= 7 || shape == 0) {
            peak(random, logits);
        }
        return logits;
    }

    /** Shapes without ties, infinities or NaN, where the sampler should rarely need its literal rule. */
    static boolean continuous(int shape) {
        return shape == 0 || shape == 3 || shape >= 7;
    }

    /** A bulk far below a few likely tokens, as a language model's logits are. */
    static float[] languageModelLike(SplittableRandom random, int vocabulary) {
        float[] logits = new float[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            logits[i] = (float) (random.nextGaussian() * 2.5);
        }
        peak(random, logits);
        return logits;
    }

    /** Lifts a few random tokens well above the rest, on a Zipf-like slope. */
    private static void peak(SplittableRandom random, float[] logits) {
        int peaks = Math.min(logits.length, 1 + random.nextInt(40));
        double top = 8 + random.nextDouble() * 14;
        for (int r = 0; r < peaks; r++) {
            logits[random.nextInt(logits.length)] = (float) (top - 1.5 * Math.log(1 + r) * random.nextDouble(0.5, 2));
        }
    }
}
