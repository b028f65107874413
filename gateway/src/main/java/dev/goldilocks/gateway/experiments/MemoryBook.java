package dev.goldilocks.gateway.experiments;

import dev.goldilocks.store.ExperimentEvent;
import dev.goldilocks.store.ExperimentStore;
import dev.goldilocks.store.StoredExperiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Experiments of a gateway without a decision log: in this process only, lost at restart, unseen by other
 * replicas, and without results (there are no exposures to read). A change sees a copy and is kept only when it
 * succeeds, as a store's transaction would.
 */
final class MemoryBook implements ExperimentBook {

    static final String STORAGE = "memory only (this gateway has no decision log): experiments are lost at restart,"
            + " other replicas do not see them, and there are no results";

    private List<StoredExperiment> experiments = List.of();
    private List<ExperimentEvent> events = List.of();

    @Override
    public synchronized List<StoredExperiment> list() {
        return experiments;
    }

    @Override
    public synchronized List<ExperimentEvent> events(String experiment) {
        return events.stream().filter(e -> e.experiment().equals(experiment)).toList();
    }

    @Override
    public synchronized <T> T change(ExperimentStore.Change<T> change) {
        List<StoredExperiment> rows = new ArrayList<>(experiments);
        List<ExperimentEvent> added = new ArrayList<>(events);
        T result = change.apply(new ExperimentStore.Editor() {
            @Override
            public List<StoredExperiment> all() {
                return List.copyOf(rows);
            }

            @Override
            public void insert(StoredExperiment experiment) {
                if (rows.stream().anyMatch(e -> e.name().equals(experiment.name()))) {
                    throw new IllegalStateException("experiment " + experiment.name() + " exists");
                }
                rows.add(experiment);
            }

            @Override
            public void update(StoredExperiment experiment) {
                for (int i = 0; i < rows.size(); i++) {
                    StoredExperiment old = rows.get(i);
                    if (old.name().equals(experiment.name()) && old.version() == experiment.version() - 1) {
                        rows.set(i, experiment);
                        return;
                    }
                }
                throw new IllegalStateException("experiment " + experiment.name() + " is not at version "
                        + (experiment.version() - 1));
            }

            @Override
            public void event(ExperimentEvent event) {
                added.add(event);
            }
        });
        experiments = List.copyOf(rows);
        events = List.copyOf(added);
        return result;
    }

    @Override
    public String storage() {
        return STORAGE;
    }

    @Override
    public Optional<ExperimentStore> results() {
        return Optional.empty();
    }
}
