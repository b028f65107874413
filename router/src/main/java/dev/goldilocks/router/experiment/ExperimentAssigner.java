package dev.goldilocks.router.experiment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Deterministic, sticky assignment of units to experiment arms: SHA-256 of (experiment, salt, unit) picks one of
 * 10,000 buckets, so every replica and every restart puts a unit in the same arm, and a new salt re-randomises.
 * As in GrowthBook's bucket ranges, arm i owns the buckets from the start of its weight's slice of [0, 1) up to
 * {@code share x weight_i} of it; the rest of each slice is outside the experiment. Raising the share therefore
 * only adds units: nobody already in the experiment changes arm.
 */
public final class ExperimentAssigner {

    public static final int BUCKETS = 10_000;

    private final String experiment;
    private final String salt;
    private final List<ArmWeight> arms;
    private final double trafficShare;
    private final int[] rangeStart;
    private final int[] rangeEnd;

    /**
     * @param experiment   the experiment's name (part of the hash, so two experiments randomise independently)
     * @param salt         changing it re-randomises every unit
     * @param arms         arms in a fixed order with their weights
     * @param trafficShare the share of eligible units in the experiment, in (0, 1]
     */
    public ExperimentAssigner(String experiment, String salt, List<ArmWeight> arms, double trafficShare) {
        this.experiment = requireText(experiment, "experiment");
        this.salt = Objects.requireNonNull(salt, "salt");
        this.arms = List.copyOf(arms);
        if (this.arms.isEmpty()) {
            throw new IllegalArgumentException("arms: an experiment needs at least one arm");
        }
        if (new HashSet<>(this.arms.stream().map(ArmWeight::arm).toList()).size() != this.arms.size()) {
            throw new IllegalArgumentException("arms: arm names must be unique");
        }
        double total = this.arms.stream().mapToDouble(ArmWeight::weight).sum();
        if (!(total > 0) || Double.isInfinite(total)) {
            throw new IllegalArgumentException("weights: must sum to a positive number, got " + total);
        }
        if (!(trafficShare > 0 && trafficShare <= 1)) {
            throw new IllegalArgumentException("trafficShare: must be in (0, 1], got " + trafficShare);
        }
        this.trafficShare = trafficShare;
        this.rangeStart = new int[this.arms.size()];
        this.rangeEnd = new int[this.arms.size()];
        double cumulative = 0;
        int inside = 0;
        for (int i = 0; i < this.arms.size(); i++) {
            double share = this.arms.get(i).weight() / total;
            rangeStart[i] = (int) Math.round(cumulative * BUCKETS);
            cumulative += share;
            int sliceEnd = (int) Math.round(cumulative * BUCKETS);
            rangeEnd[i] = Math.min(sliceEnd, rangeStart[i] + (int) Math.round(share * trafficShare * BUCKETS));
            inside += rangeEnd[i] - rangeStart[i];
        }
        if (inside == 0) {
            throw new IllegalArgumentException("trafficShare: " + trafficShare + " leaves none of the " + BUCKETS
                    + " buckets in the experiment");
        }
    }

    /** The unit's arm, or empty when the unit falls outside the experiment's share of traffic. */
    public Optional<String> assign(String unit) {
        int b = bucket(unit);
        for (int i = 0; i < rangeStart.length; i++) {
            if (b >= rangeStart[i] && b < rangeEnd[i]) {
                return Optional.of(arms.get(i).arm());
            }
        }
        return Optional.empty();
    }

    /** The unit's bucket in [0, {@value #BUCKETS}). */
    public int bucket(String unit) {
        requireText(unit, "unit");
        MessageDigest sha256 = sha256();
        // NUL separators: ("ab", "c") and ("a", "bc") must not hash alike
        sha256.update(experiment.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(salt.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(unit.getBytes(StandardCharsets.UTF_8));
        long h = ByteBuffer.wrap(sha256.digest()).getLong();
        return (int) Long.remainderUnsigned(h, BUCKETS);
    }

    /**
     * The arms' shares of the units in the experiment, in arm order, from the buckets each owns: what a
     * sample-ratio test should expect (the weights rounded to whole buckets).
     */
    public List<Double> plannedShares() {
        List<Double> shares = new ArrayList<>();
        int inside = 0;
        for (int i = 0; i < rangeStart.length; i++) {
            inside += rangeEnd[i] - rangeStart[i];
        }
        for (int i = 0; i < rangeStart.length; i++) {
            shares.add((double) (rangeEnd[i] - rangeStart[i]) / inside);
        }
        return shares;
    }

    public double trafficShare() {
        return trafficShare;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    private static String requireText(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + ": must not be blank");
        }
        return value;
    }
}
