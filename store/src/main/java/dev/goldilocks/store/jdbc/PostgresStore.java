package dev.goldilocks.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * The shared store for several gateway replicas: PostgreSQL over JDBC. Batches are JDBC batches, which
 * the driver rewrites into multi-row INSERTs.
 */
public final class PostgresStore implements Store {

    /** Arbitrary, fixed: the advisory lock every replica takes while it migrates. */
    private static final long MIGRATION_LOCK = 0x60_1d_11_0c_5L;
    /** Arbitrary, fixed: the advisory lock a replica holds while it changes experiments. */
    private static final long EXPERIMENT_LOCK = 0x60_1d_11_0c_6L;

    private final String url;
    private final Properties properties = new Properties();

    /**
     * @param url      a jdbc:postgresql: URL
     * @param user     the user, or null when the URL names it
     * @param password the password, or null
     */
    public PostgresStore(String url, String user, String password) {
        this.url = url;
        if (user != null) {
            PGProperty.USER.set(properties, user);
        }
        if (password != null) {
            PGProperty.PASSWORD.set(properties, password);
        }
        // fail fast when the server is gone rather than hold the writer for the driver's defaults;
        // settings in the URL win over these
        PGProperty.CONNECT_TIMEOUT.set(properties, 5);
        PGProperty.LOGIN_TIMEOUT.set(properties, 10);
        PGProperty.SOCKET_TIMEOUT.set(properties, 60);
        PGProperty.REWRITE_BATCHED_INSERTS.set(properties, true);
        PGProperty.APPLICATION_NAME.set(properties, "goldilocks");
    }

    @Override
    public String dialect() {
        return "postgresql";
    }

    @Override
    public String location() {
        return "postgresql at " + JdbcUrls.redact(url);
    }

    @Override
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public <T> void insert(Connection connection, Table<T> table, List<T> rows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(table.insertSql())) {
            for (T record : rows) {
                Object[] row = table.row(record);
                for (int i = 0; i < row.length; i++) {
                    bind(connection, insert, i + 1, row[i]);
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void bind(Connection connection, PreparedStatement insert, int index, Object value) throws SQLException {
        if (value instanceof Table.TextArray a) {
            insert.setArray(index, connection.createArrayOf("text", a.items().toArray()));
        } else if (value instanceof double[] a) {
            insert.setArray(index, connection.createArrayOf("float8", java.util.Arrays.stream(a).boxed().toArray()));
        } else {
            insert.setObject(index, value);
        }
    }

    @Override
    public void lockSchema(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
        }
    }

    @Override
    public void lockExperiments(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + EXPERIMENT_LOCK + ")");
        }
    }

    @Override
    public void close() {
        // connections are owned and closed by their users
    }
}
