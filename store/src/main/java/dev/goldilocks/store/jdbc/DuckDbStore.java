package dev.goldilocks.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The embedded store: one DuckDB file. One database instance per process (DuckDB locks the file against
 * other processes); every connection is a duplicate of the first. Batches go in through DuckDB's
 * Appender, which writes columnar chunks directly instead of planning an INSERT per row.
 */
public final class DuckDbStore implements Store {

    private final Path file;
    private final boolean readOnly;
    private DuckDBConnection database;

    public DuckDbStore(Path file) {
        this(file, false);
    }

    /** @param readOnly open the file only to read: another process may not be writing it (DuckDB's lock) */
    public DuckDbStore(Path file, boolean readOnly) {
        this.file = file.toAbsolutePath();
        this.readOnly = readOnly;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public String dialect() {
        return "duckdb";
    }

    @Override
    public String location() {
        return (readOnly ? "duckdb (read-only) at " : "duckdb at ") + file;
    }

    @Override
    public synchronized Connection connect() throws SQLException {
        if (database == null && readOnly) {
            if (!Files.isRegularFile(file)) {
                throw new SQLException("no decision log at " + file);
            }
            Properties properties = new Properties();
            properties.setProperty(DuckDBDriver.DUCKDB_READONLY_PROPERTY, "true");
            database = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
        } else if (database == null) {
            Path directory = file.getParent();
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new SQLException(Files.exists(directory) ? directory + " is not a directory"
                        : "cannot create the directory " + directory + ": " + e.getMessage(), e);
            }
            database = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
        }
        return database.duplicate();
    }

    @Override
    public <T> void insert(Connection connection, Table<T> table, List<T> rows) throws SQLException {
        DuckDBConnection duck = connection.unwrap(DuckDBConnection.class);
        try (DuckDBAppender appender = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table.name())) {
            for (T record : rows) {
                appender.beginRow();
                for (Object value : table.row(record)) {
                    append(appender, value);
                }
                appender.endRow();
            }
            // close() would swallow a constraint violation and drop the rows silently; flush() reports it
            appender.flush();
        }
    }

    private static void append(DuckDBAppender appender, Object value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else if (value instanceof String s) {
            appender.append(s);
        } else if (value instanceof Double d) {
            appender.append(d.doubleValue());
        } else if (value instanceof Integer i) {
            appender.append(i.intValue());
        } else if (value instanceof Boolean b) {
            appender.append(b.booleanValue());
        } else if (value instanceof java.time.OffsetDateTime t) {
            appender.append(t);
        } else if (value instanceof Table.TextArray a) {
            appender.append((Collection<String>) a.items());
        } else if (value instanceof double[] a) {
            appender.append(a);
        } else {
            throw new IllegalArgumentException("no DuckDB append for " + value.getClass());
        }
    }

    @Override
    public void lockSchema(Connection connection) {
        // DuckDB's file lock already keeps every other process out
    }

    @Override
    public void lockExperiments(Connection connection) {
        // DuckDB's file lock already keeps every other process out
    }

    @Override
    public synchronized void close() {
        if (database != null) {
            try {
                database.close();
            } catch (SQLException e) {
                // closing: nothing left to do about it
            }
            database = null;
        }
    }
}
