package dev.goldilocks.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Brings a database to the schema this build writes: migrations/V1.sql, V2.sql, ... (portable SQL, one
 * statement per ';' at a line's end, no "--" inside strings), each applied once, in order, in one
 * transaction with its row in {@code schema_version}; a V{n}.{dialect}.sql beside one (an index only one
 * kind of store needs) runs in the same transaction on that kind of store only. Safe to run at every
 * connect and from several processes at once (the store's schema lock serializes them).
 */
public final class Migrations {

    private static final String RESOURCE = "/dev/goldilocks/store/migrations/V%d.sql";
    private static final String DIALECT_RESOURCE = "/dev/goldilocks/store/migrations/V%d.%s.sql";

    private Migrations() {
    }

    /**
     * A new connection to {@code store}, its schema brought to this build's version and checked (a read-only
     * store must be at this build's version already).
     */
    public static Connection connect(Store store) throws SQLException {
        Connection connection = store.connect();
        try {
            if (store.readOnly()) {
                int current = currentVersion(connection);
                if (current != latest()) {
                    throw new SQLException("the decision log's schema is at version " + current + " and this build"
                            + " reads version " + latest() + ": open it with the gateway of the same build");
                }
            } else {
                apply(store, connection);
            }
            verifyColumns(connection);
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The newest version this build knows. */
    public static int latest() {
        int v = 0;
        while (Migrations.class.getResource(RESOURCE.formatted(v + 1)) != null) {
            v++;
        }
        return v;
    }

    /** Applies what is missing; returns the versions applied (none when the schema was current). */
    public static List<Integer> apply(Store store, Connection connection) throws SQLException {
        int latest = latest();
        synchronized (store) { // the schema lock keeps other processes out; this, other threads of this one
            return applyLocked(store, connection, latest);
        }
    }

    private static List<Integer> applyLocked(Store store, Connection connection, int latest) throws SQLException {
        List<Integer> applied = new ArrayList<>();
        connection.setAutoCommit(false);
        try {
            store.lockSchema(connection);
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                        + " description TEXT NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            }
            int current = currentVersion(connection);
            if (current > latest) {
                throw new SQLException("the decision log's schema is at version " + current + " but this build knows"
                        + " versions up to " + latest + ": run a newer build against it");
            }
            for (int v = current + 1; v <= latest; v++) {
                String sql = read(RESOURCE.formatted(v)).orElseThrow();
                List<String> statements = new ArrayList<>(statements(sql));
                read(DIALECT_RESOURCE.formatted(v, store.dialect())).ifPresent(more -> statements.addAll(statements(more)));
                try (Statement s = connection.createStatement()) {
                    for (String statement : statements) {
                        s.execute(statement);
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                    insert.setInt(1, v);
                    insert.setString(2, description(sql, v));
                    insert.setObject(3, Tables.utc(Instant.now()));
                    insert.executeUpdate();
                }
                applied.add(v);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return applied;
    }

    public static int currentVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Fails unless every table the writer fills has exactly the columns it writes, in that order (DuckDB's
     * Appender fills columns by position, so a column added by hand would shift every value after it).
     */
    public static void verifyColumns(Connection connection) throws SQLException {
        for (Table<?> table : Tables.ALL) {
            List<String> found = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement("SELECT column_name FROM information_schema.columns"
                    + " WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position")) {
                q.setString(1, table.name());
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
            if (!found.equals(table.columns())) {
                throw new SQLException("table " + table.name() + " has columns " + found + ", the writer expects "
                        + table.columns());
            }
        }
    }

    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String code = line.replaceFirst("--.*$", "").strip();
            if (code.isEmpty()) {
                continue;
            }
            current.append(code).append('\n');
            if (code.endsWith(";")) {
                out.add(current.substring(0, current.lastIndexOf(";")).strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String description(String sql, int version) {
        String first = sql.lines().findFirst().orElse("").replaceFirst("^--\\s*", "").strip();
        return first.isEmpty() ? "V" + version : first;
    }

    private static Optional<String> read(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the migration " + resource, e);
        }
    }
}
