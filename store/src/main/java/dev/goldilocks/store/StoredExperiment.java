package dev.goldilocks.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * A row of the {@code experiment} table: an experiment's definition (opaque here: the gateway writes and reads it)
 * and where it stands.
 *
 * @param definition  the definition as the gateway wrote it (JSON)
 * @param state       draft, running, paused or stopped
 * @param version     one more at every change
 * @param startedAt   the first start, if any: results count exposures from here
 * @param stoppedAt   when it was stopped, if it was
 * @param shippedArm  after a stop, the arm whose policy keeps routing the experiment's units; "" for none
 */
public record StoredExperiment(String name, String definition, String state, long version, Instant createdAt,
                               Instant updatedAt, Optional<Instant> startedAt, Optional<Instant> stoppedAt,
                               String shippedArm) {

    public StoredExperiment {
        Decision.requireText(name, "name");
        Decision.requireText(definition, "definition");
        Decision.requireText(state, "state");
        createdAt = micros(createdAt, "createdAt");
        updatedAt = micros(updatedAt, "updatedAt");
        startedAt = Objects.requireNonNull(startedAt, "startedAt").map(t -> micros(t, "startedAt"));
        stoppedAt = Objects.requireNonNull(stoppedAt, "stoppedAt").map(t -> micros(t, "stoppedAt"));
        Objects.requireNonNull(shippedArm, "shippedArm");
    }

    /** A new experiment, version 1. */
    public static StoredExperiment created(String name, String definition, String state, Instant now) {
        return new StoredExperiment(name, definition, state, 1, now, now, Optional.empty(), Optional.empty(), "");
    }

    /** This experiment in another state at {@code now}, one version on. */
    public StoredExperiment moved(String newState, Instant now, Optional<Instant> started, Optional<Instant> stopped,
                                  String shipped) {
        return new StoredExperiment(name, definition, newState, version + 1, createdAt, now, started, stopped, shipped);
    }

    private static Instant micros(Instant t, String field) {
        return Objects.requireNonNull(t, field).truncatedTo(ChronoUnit.MICROS);
    }
}
