package dev.goldilocks.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Something that happened to an experiment: a row of the {@code experiment_event} table.
 *
 * @param kind   created, started, paused, stopped or auto_stopped
 * @param detail why, in a sentence
 */
public record ExperimentEvent(String experiment, Instant time, String kind, String detail) {

    public ExperimentEvent {
        Decision.requireText(experiment, "experiment");
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MICROS);
        Decision.requireText(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }
}
