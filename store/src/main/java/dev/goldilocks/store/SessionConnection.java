package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.Store;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One connection kept open for short synchronous statements (feedback), opened on first use and replaced
 * after it breaks.
 */
final class SessionConnection implements AutoCloseable {

    /** Work on a connection. */
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final Store store;
    private Connection connection;

    /** @param first an open connection to start with, or null */
    SessionConnection(Store store, Connection first) {
        this.store = store;
        this.connection = first;
    }

    synchronized <T> T use(Work<T> work) throws SQLException {
        if (connection == null) {
            connection = Migrations.connect(store);
        }
        try {
            return work.apply(connection);
        } catch (SQLException e) {
            if (!connection.isValid(2)) {
                close();
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // broken already
            }
            connection = null;
        }
    }
}
