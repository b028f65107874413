package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.DuckDbStore;
import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.SqlErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A DuckDB decision log opened only to read, for tools that run while no gateway does ({@code goldilocks log
 * tail --file}): no writer, no migrations, no retention. DuckDB locks a file against every other process while
 * one writes it, so this fails with a message while a gateway has it open.
 */
public final class ReadOnlyLog implements AutoCloseable {

    private final DuckDbStore store;
    private final DecisionHistory history;

    private ReadOnlyLog(DuckDbStore store) {
        this.store = store;
        this.history = new DecisionHistory(store);
    }

    /** Opens {@code file}; a {@link DecisionStoreException} says why it cannot be read (missing, locked, newer). */
    public static ReadOnlyLog open(Path file) {
        DuckDbStore store = new DuckDbStore(file, true);
        try (Connection check = Migrations.connect(store)) {
            return new ReadOnlyLog(store);
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw new DecisionStoreException("decision log: cannot read the " + store.location() + ": "
                    + SqlErrors.describe(e), e);
        }
    }

    public DecisionHistory history() {
        return history;
    }

    @Override
    public void close() {
        store.close();
    }
}
