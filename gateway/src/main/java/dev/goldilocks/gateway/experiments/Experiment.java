package dev.goldilocks.gateway.experiments;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.store.ExperimentEvent;
import dev.goldilocks.store.StoredExperiment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An experiment as stored: its validated definition and where it stands. */
public record Experiment(ExperimentSpec spec, ExperimentState state, StoredExperiment stored) {

    public String name() {
        return spec.name();
    }

    /** The stored row read back through the validator (a definition this build cannot run is an error here). */
    static Experiment of(StoredExperiment stored, DefinitionValidator validator) {
        ExperimentDefinition.Builder d = ExperimentDefinition.newBuilder();
        try {
            JsonFormat.parser().merge(stored.definition(), d);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("experiment " + stored.name() + ": its stored definition is not readable: "
                    + e.getMessage(), e);
        }
        return new Experiment(validator.validate(d.build()), ExperimentState.ofLabel(stored.state()), stored);
    }

    /** The row to store for a new experiment. */
    static StoredExperiment newRow(ExperimentSpec spec, Instant now) {
        try {
            return StoredExperiment.created(spec.name(), JsonFormat.printer().print(spec.toDefinition()),
                    ExperimentState.DRAFT.label(), now);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an experiment definition is always printable", e);
        }
    }

    /** The shipped arm after a stop, if any. */
    public Optional<String> shippedArm() {
        return stored.shippedArm().isEmpty() ? Optional.empty() : Optional.of(stored.shippedArm());
    }

    public Optional<Instant> startedAt() {
        return stored.startedAt();
    }

    /** Where results end: the stop, or now. */
    public Instant endOfResults(Instant now) {
        return stored.stoppedAt().orElse(now);
    }

    /** As the admin API reports it. */
    public ExperimentStatus status(List<ExperimentEvent> events) {
        ExperimentStatus.Builder s = ExperimentStatus.newBuilder().setDefinition(spec.toDefinition())
                .setState(state.label()).setVersion(stored.version()).setCreatedAtMillis(stored.createdAt().toEpochMilli())
                .setStartedAtMillis(stored.startedAt().map(Instant::toEpochMilli).orElse(0L))
                .setStoppedAtMillis(stored.stoppedAt().map(Instant::toEpochMilli).orElse(0L))
                .setShippedArm(stored.shippedArm());
        for (ExperimentEvent e : events) {
            s.addEventsBuilder().setAtMillis(e.time().toEpochMilli()).setKind(e.kind()).setDetail(e.detail());
        }
        return s.build();
    }
}
