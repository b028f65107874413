package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.SqlErrors;
import dev.goldilocks.store.jdbc.Store;
import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection of its own; a database error becomes a {@link DecisionStoreException} naming the store. */
@FunctionalInterface
interface StoreQuery<T> {

    T run(Connection connection) throws SQLException;

    /** Runs {@code query} on a new connection to {@code store}; {@code what} says what failed ("reading"). */
    static <T> T on(Store store, String what, StoreQuery<T> query) {
        try (Connection c = Migrations.connect(store)) {
            return query.run(c);
        } catch (SQLException e) {
            throw new DecisionStoreException(what + " " + store.location() + " failed: " + SqlErrors.describe(e), e);
        }
    }
}
