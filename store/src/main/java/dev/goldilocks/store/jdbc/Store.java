package dev.goldilocks.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A database the decision log lives in: how to connect to it and how to insert a batch of rows the
 * fastest way it offers. Everything else (migrations, queries, feedback) is portable SQL shared by all.
 */
public interface Store extends AutoCloseable {

    /** duckdb or postgresql: names the migration files only this kind of store runs. */
    String dialect();

    /** What to call the store in messages: its kind and URL or path, never a password. */
    String location();

    /**
     * Whether the store is opened only to read: its schema is checked, never migrated, and nothing is written.
     */
    default boolean readOnly() {
        return false;
    }

    /** A new connection in auto-commit mode. */
    Connection connect() throws SQLException;

    /** Inserts {@code rows} into {@code table} inside the connection's current transaction. */
    <T> void insert(Connection connection, Table<T> table, List<T> rows) throws SQLException;

    /** Holds, until the current transaction ends, a lock that keeps other processes from migrating at once. */
    void lockSchema(Connection connection) throws SQLException;

    /**
     * Holds, until the current transaction ends, a lock that keeps other processes from changing experiments at
     * once (threads of this process are kept apart by the caller).
     */
    void lockExperiments(Connection connection) throws SQLException;

    @Override
    void close();
}
