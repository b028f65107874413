package dev.goldilocks.worker.generate;

import java.util.Random;

/**
 * Picks the next token from logits: greedy, or temperature with top-k and top-p cuts.
 *
 * <p>The rule (unchanged since the first sampler, so seeded outputs stay the same): weights
 * {@code w = exp((logit - max) / temperature)} summed in index order; tokens ranked by weight, ties by
 * lower id; the ranked list cut at top-k and then where the running share {@code w / sum} first
 * reaches top-p; one {@code nextDouble()} per token, scaled by the kept mass and walked down the
 * ranked list.
 *
 * <p>Following that rule literally means an exponential for every token of the vocabulary and a sort
 * of all of them; at 128k tokens that is tens of milliseconds per token. Instead only the head of the
 * distribution is computed: logits within {@code temperature * ln(2^10 * vocabulary)} of the maximum
 * (the rest together weigh less than 2^-10 of the sum, whatever they are; 2^-20 when that leaves the
 * token open), and the cut and the draw are found from the head's mass grouped by weight (a radix pass),
 * not by sorting. Rounding and the unseen tail only move the rule's sums within known bounds; when the
 * token is the same at both ends of those bounds it is the rule's token. Otherwise (the draw lands
 * within the bounds' width of a boundary, exact ties straddle the cut, or the logits hold a NaN or an
 * infinity) the rule is followed literally, so the answer is always the same token.
 */
public final class Sampler {

    /**
     * The share of the softmax sum the unseen tail may weigh at most: first a narrow head (few
     * exponentials, decides most tokens), then a wide one for the draws the narrow one leaves open.
     */
    private static final double[] TAIL_SHARES = {0x1p-10, 0x1p-20};

    private final GenerationSettings settings;
    private final Random random;
    /** Made at the first draw: a greedy sequence never needs its arrays (tens of KB per sequence, JFR). */
    private Candidates candidates;
    private long literalDraws;

    public Sampler(GenerationSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    public int next(float[] logits) {
        if (settings.greedy()) {
            return argmax(logits);
        }
        double draw = random.nextDouble();
        double max = finiteMax(logits);
        for (int i = 0; i < TAIL_SHARES.length && !Double.isNaN(max); i++) {
            int token = fromHead(logits, draw, max, TAIL_SHARES[i]);
            if (token >= 0) {
                return token;
            }
        }
        literalDraws++;
        return literally(logits, draw);
    }

    /**
     * The largest logit, or NaN when one is NaN or the largest is infinite (the literal rule handles those).
     * Compared as floats, without a branch for NaN: a third faster than in doubles at 128k logits.
     */
    private static double finiteMax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        boolean nan = false;
        for (float l : logits) {
            if (l > max) {
                max = l;
            }
            nan |= l != l;
        }
        return nan || !Float.isFinite(max) ? Double.NaN : max;
    }

    /** How many tokens needed the literal rule over the whole vocabulary (for tests and benchmarks). */
    public long literalDraws() {
        return literalDraws;
    }

    /**
     * The rule's token computed from the head of the distribution (the tail weighing at most
     * {@code tailShare} of the sum), or -1 when the bounds that leaves do not decide it.
     */
    private int fromHead(float[] logits, double draw, double max, double tailShare) {
        int n = logits.length;
        double temperature = settings.temperature();
        double cut = max + Math.log(tailShare / n) * temperature;
        if (candidates == null) {
            candidates = new Candidates();
        }
        candidates.collectFrom(logits, max, cut, temperature);
        int tail = n - candidates.size();
        // no token below the cut weighs more than the largest of them (the arithmetic is monotonic)
        double tailWeight = tail == 0 ? 0 : Math.exp((candidates.largestBelowCut() - max) / temperature);
        // Rounding: n additions or divisions move a sum of positive terms by at most n units of roundoff.
        double slack = 4.0 * (n + 8) * 0x1p-53;
        double sumLow = candidates.sum(); // the tail's weights are >= 0
        double sumHigh = tail == 0 ? sumLow
                : (sumLow * (1 + slack) + tail * tailWeight) * (1 + slack) * (1 + slack);
        // Candidates no heavier than a tail token may rank among the tail; only heavier ones rank for sure.
        candidates.groupAbove(tailWeight);
        int known = candidates.size();
        int keepAtMost = settings.topK() > 0 ? Math.min(settings.topK(), n) : n;

        // top-p: the list is cut after the first rank whose running share reaches top_p
        double topP = settings.topP();
        int keepLow = Math.min(keepAtMost, candidates.leadingUpTo(topP * sumLow * (1 - 4 * slack)).count());
        int reached = candidates.leadingUpTo(topP * sumHigh * (1 + 4 * slack)).count();
        int keepHigh = reached <= known ? Math.min(keepAtMost, reached) : keepAtMost;

        double massLow = candidates.leadingMass(Math.min(keepLow, known)) * (1 - 4 * slack);
        double massHigh = (candidates.leadingMass(Math.min(keepHigh, known))
                + Math.max(0, keepHigh - known) * tailWeight) * (1 + 4 * slack);

        // the walk stops where the running mass first reaches draw * mass (give or take its rounding)
        double walkError = 4 * slack * massHigh;
        Candidates.Rank first = candidates.leadingUpTo((draw * massLow * (1 - slack) - walkError) * (1 - 4 * slack));
        Candidates.Rank last = candidates.leadingUpTo((draw * massHigh * (1 + slack) + walkError) * (1 + 4 * slack));
        boolean decided = first.count() == last.count() && last.count() <= Math.min(keepLow, known);
        return decided ? last.id() : -1;
    }

    /** The rule step by step over the whole vocabulary, sorted: for the rare draws the head cannot decide. */
    private int literally(float[] logits, double draw) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        Candidates all = new Candidates();
        all.collectAll(logits, max, settings.temperature());
        all.sortAll();
        double sum = all.sum();
        int keep = settings.topK() > 0 ? Math.min(settings.topK(), logits.length) : logits.length;
        double cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += all.weight(i) / sum;
            if (cumulative >= settings.topP()) {
                keep = i + 1;
                break;
            }
        }
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            mass += all.weight(i);
        }
        double target = draw * mass;
        for (int i = 0; i < keep; i++) {
            target -= all.weight(i);
            if (target <= 0) {
                return all.id(i);
            }
        }
        return all.id(keep - 1);
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Natural-log probability of {@code token} under softmax(logits), computed stably. */
    public static float logprob(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return (float) (logits[token] - max - Math.log(sum));
    }
}
