package dev.goldilocks.router;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The exploration floor of a deterministic policy: with probability {@code floor} the request goes to one of
 * the other candidates (the floor spread evenly over them) instead of the policy's pick. A policy that always
 * chooses with probability 1 gives every other policy's choice a logged propensity of 0, so no other policy can
 * be evaluated on its traffic; a small floor buys that evaluation with a small share of requests. Production
 * default: no floor.
 */
public final class Exploration {

    private static final Exploration NONE = new Exploration(0, null);

    private final double floor;
    private final RandomGenerator random;

    private Exploration(double floor, RandomGenerator random) {
        this.floor = floor;
        this.random = random;
    }

    /** No exploration: the pick has probability 1. */
    public static Exploration none() {
        return NONE;
    }

    /**
     * @param floor  the share of requests sent to the other candidates, in [0, 0.5] (beyond a half, a policy with
     *               one alternative would choose its own pick less often than the alternative)
     * @param random the source of the draws; it must be safe for the threads that route
     */
    public static Exploration floor(double floor, RandomGenerator random) {
        if (!(floor >= 0 && floor <= 0.5)) {
            throw new IllegalArgumentException("exploration floor must be in [0, 0.5], got " + floor);
        }
        return floor == 0 ? NONE : new Exploration(floor, random);
    }

    public double floor() {
        return floor;
    }

    /** The policy's action distribution when it would pick {@code pick} among {@code candidates}. */
    ActionDistribution around(List<String> candidates, String pick) {
        return ActionDistribution.withFloor(candidates, pick, floor);
    }

    /** A model drawn from {@code distribution}; without a floor, the certain one, and no randomness is used. */
    String draw(ActionDistribution distribution) {
        return distribution.draw(random);
    }
}
