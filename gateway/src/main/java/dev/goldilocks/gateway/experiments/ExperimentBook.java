package dev.goldilocks.gateway.experiments;

import dev.goldilocks.store.ExperimentEvent;
import dev.goldilocks.store.ExperimentStore;
import dev.goldilocks.store.StoredExperiment;
import java.util.List;
import java.util.Optional;

/**
 * Where experiments are kept: the decision log's store (shared by every replica, kept across restarts) or, for a
 * gateway without a decision log, this process's memory.
 */
interface ExperimentBook {

    List<StoredExperiment> list();

    List<ExperimentEvent> events(String experiment);

    /** Runs {@code change} atomically with respect to every other change (across replicas, for a store). */
    <T> T change(ExperimentStore.Change<T> change);

    /** Where they are kept, in words. */
    String storage();

    /** Where exposures can be read back; empty without a decision log. */
    Optional<ExperimentStore> results();

    /** The book of a decision log's store. */
    static ExperimentBook of(ExperimentStore store, String location) {
        return new ExperimentBook() {
            @Override
            public List<StoredExperiment> list() {
                return store.list();
            }

            @Override
            public List<ExperimentEvent> events(String experiment) {
                return store.events(experiment);
            }

            @Override
            public <T> T change(ExperimentStore.Change<T> change) {
                return store.change(change);
            }

            @Override
            public String storage() {
                return "the decision log (" + location + "), shared by every replica that writes to it";
            }

            @Override
            public Optional<ExperimentStore> results() {
                return Optional.of(store);
            }
        };
    }
}
