package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.SqlErrors;
import dev.goldilocks.store.jdbc.Store;
import dev.goldilocks.store.jdbc.Tables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Experiments in the decision store, so that they survive restarts and every replica sharing the store routes
 * alike: their rows ({@code experiment}), what happened to them ({@code experiment_event}), and their results, read
 * from the exposures in the decision log. Changes run one at a time across every replica (a lock held for the
 * transaction), so a check over all experiments and the change it allows are one step.
 */
public final class ExperimentStore {

    private static final String COLUMNS = "name, definition, state, version, created_at, updated_at, started_at,"
            + " stopped_at, shipped_arm";

    private final Store store;

    ExperimentStore(Store store) {
        this.store = store;
    }

    /** What a change sees and does, inside its transaction. */
    public interface Editor {
        /** Every experiment, as it is now. */
        List<StoredExperiment> all();

        void insert(StoredExperiment experiment);

        /** Replaces the experiment of that name, whose version must be one below this one. */
        void update(StoredExperiment experiment);

        void event(ExperimentEvent event);
    }

    /** A change decided on what the editor shows; an exception it throws undoes everything it did. */
    @FunctionalInterface
    public interface Change<T> {
        T apply(Editor editor);
    }

    /** The store's kind and URL or path, never a password. */
    public String location() {
        return store.location();
    }

    /** Every experiment, oldest first. */
    public List<StoredExperiment> list() {
        return query(ExperimentStore::all);
    }

    /** The events of one experiment, oldest first. */
    public List<ExperimentEvent> events(String experiment) {
        return query(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT happened_at, kind, detail FROM experiment_event"
                    + " WHERE experiment = ? ORDER BY happened_at")) {
                q.setString(1, experiment);
                List<ExperimentEvent> out = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ExperimentEvent(experiment, LoggedRows.instant(rs, "happened_at"), rs.getString(2),
                                rs.getString(3)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Runs {@code change} in one transaction while holding the store's experiment lock, so that no other replica
     * changes an experiment in between; a {@link RuntimeException} from it rolls the transaction back and is
     * rethrown as it is.
     */
    public synchronized <T> T change(Change<T> change) {
        return query(c -> {
            c.setAutoCommit(false);
            try {
                store.lockExperiments(c);
                T result = change.apply(new JdbcEditor(c));
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /** Reads an experiment's exposures, several times over one connection. */
    public interface ExposureReader {
        /**
         * An experiment's exposures (client requests whose decision row names it and an arm) made in [since, until),
         * summed per randomisation unit (the unit's hash; the request itself when it was randomised per request)
         * and then over units, per arm, and per domain too when {@code byDomain}.
         *
         * @param genericModel the generic model's name, for {@link ExposureMetric#GENERIC_SHARE}
         */
        List<ArmTotals> totals(String experiment, Instant since, Instant until, boolean byDomain, String genericModel);
    }

    /** Runs {@code work} with a reader on one connection (a report reads the same exposures at many moments). */
    public <T> T reading(Function<ExposureReader, T> work) {
        return query(c -> work.apply((experiment, since, until, byDomain, generic) -> unchecked(
                () -> totals(c, experiment, since, until, byDomain, generic))));
    }

    private static List<ArmTotals> totals(Connection c, String experiment, Instant since, Instant until,
                                          boolean byDomain, String genericModel) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(ExposureSql.totals(byDomain))) {
            int i = 1;
            q.setString(i++, genericModel);
            q.setString(i++, experiment);
            q.setObject(i++, Tables.utc(since));
            q.setObject(i, Tables.utc(until));
            List<ArmTotals> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Map<ExposureMetric, RatioSums> metrics = new EnumMap<>(ExposureMetric.class);
                    long units = rs.getLong("units");
                    for (ExposureMetric m : ExposureMetric.values()) {
                        String p = m.key();
                        metrics.put(m, new RatioSums(units, rs.getDouble(p + "_x"), rs.getDouble(p + "_y"),
                                rs.getDouble(p + "_xx"), rs.getDouble(p + "_yy"), rs.getDouble(p + "_xy")));
                    }
                    out.add(new ArmTotals(rs.getString("arm"), byDomain ? rs.getString("domain") : "", units,
                            Math.round(metrics.get(ExposureMetric.COST_USD).sumY()), metrics));
                }
            }
            return out;
        }
    }

    private static List<StoredExperiment> all(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + COLUMNS + " FROM experiment ORDER BY created_at, name");
             ResultSet rs = q.executeQuery()) {
            List<StoredExperiment> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new StoredExperiment(rs.getString("name"), rs.getString("definition"), rs.getString("state"),
                        rs.getLong("version"), LoggedRows.instant(rs, "created_at"), LoggedRows.instant(rs, "updated_at"),
                        optionalInstant(rs, "started_at"), optionalInstant(rs, "stopped_at"),
                        LoggedRows.text(rs, "shipped_arm")));
            }
            return out;
        }
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column) == null ? Optional.empty() : Optional.of(LoggedRows.instant(rs, column));
    }

    /** The editor of one transaction. */
    private static final class JdbcEditor implements Editor {
        private final Connection c;

        JdbcEditor(Connection c) {
            this.c = c;
        }

        @Override
        public List<StoredExperiment> all() {
            return unchecked(() -> ExperimentStore.all(c));
        }

        @Override
        public void insert(StoredExperiment e) {
            unchecked(() -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO experiment (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    bind(s, e);
                    return s.executeUpdate();
                }
            });
        }

        @Override
        public void update(StoredExperiment e) {
            int updated = unchecked(() -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE experiment SET definition = ?, state = ?,"
                        + " version = ?, created_at = ?, updated_at = ?, started_at = ?, stopped_at = ?, shipped_arm = ?"
                        + " WHERE name = ? AND version = ?")) {
                    s.setString(1, e.definition());
                    s.setString(2, e.state());
                    s.setLong(3, e.version());
                    s.setObject(4, Tables.utc(e.createdAt()));
                    s.setObject(5, Tables.utc(e.updatedAt()));
                    s.setObject(6, e.startedAt().map(Tables::utc).orElse(null), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                    s.setObject(7, e.stoppedAt().map(Tables::utc).orElse(null), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
                    s.setString(8, e.shippedArm().isEmpty() ? null : e.shippedArm());
                    s.setString(9, e.name());
                    s.setLong(10, e.version() - 1);
                    return s.executeUpdate();
                }
            });
            if (updated != 1) {
                throw new IllegalStateException("experiment " + e.name() + " is not at version " + (e.version() - 1));
            }
        }

        @Override
        public void event(ExperimentEvent event) {
            unchecked(() -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO experiment_event (experiment, happened_at,"
                        + " kind, detail) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, event.experiment());
                    s.setObject(2, Tables.utc(event.time()));
                    s.setString(3, event.kind());
                    s.setString(4, Tables.storable(event.detail()));
                    return s.executeUpdate();
                }
            });
        }

        private static void bind(PreparedStatement s, StoredExperiment e) throws SQLException {
            s.setString(1, e.name());
            s.setString(2, Tables.storable(e.definition()));
            s.setString(3, e.state());
            s.setLong(4, e.version());
            s.setObject(5, Tables.utc(e.createdAt()));
            s.setObject(6, Tables.utc(e.updatedAt()));
            s.setObject(7, e.startedAt().map(Tables::utc).orElse(null), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            s.setObject(8, e.stoppedAt().map(Tables::utc).orElse(null), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            s.setString(9, e.shippedArm().isEmpty() ? null : e.shippedArm());
        }
    }

    private interface Sql<T> {
        T run() throws SQLException;
    }

    /** Inside a change, SQL errors travel as runtime exceptions and roll the change back. */
    private static <T> T unchecked(Sql<T> sql) {
        try {
            return sql.run();
        } catch (SQLException e) {
            throw new DecisionStoreException("experiments: " + SqlErrors.describe(e), e);
        }
    }

    private <T> T query(StoreQuery<T> query) {
        return StoreQuery.on(store, "experiments: reading or writing", query);
    }
}
