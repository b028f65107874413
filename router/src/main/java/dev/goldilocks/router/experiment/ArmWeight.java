package dev.goldilocks.router.experiment;

import java.util.Objects;

/** An experiment arm and its weight (any positive scale; the assigner normalises). */
public record ArmWeight(String arm, double weight) {

    public ArmWeight {
        Objects.requireNonNull(arm, "arm");
        if (arm.isBlank()) {
            throw new IllegalArgumentException("arm: name must not be blank");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight of arm '" + arm + "': must be a finite number >= 0, got "
                    + weight);
        }
    }
}
