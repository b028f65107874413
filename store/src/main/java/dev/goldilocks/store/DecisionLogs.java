package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.DuckDbStore;
import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.PostgresStore;
import dev.goldilocks.store.jdbc.SqlErrors;
import dev.goldilocks.store.jdbc.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the decision log its settings describe. */
public final class DecisionLogs {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionLogs.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private DecisionLogs() {
    }

    /**
     * Connects to the store and brings its schema up to date. When that fails and the store is
     * {@code required}, throws {@link DecisionStoreException} naming the store's URL or path; otherwise
     * logs a warning and returns a log that runs degraded (rows dropped and counted) until the store answers.
     */
    public static DecisionLog open(DecisionLogSettings settings, MeterRegistry registry) {
        Store store = switch (settings.store()) {
            case OFF -> null;
            case DUCKDB -> new DuckDbStore(settings.path());
            case POSTGRESQL -> new PostgresStore(settings.url(),
                    settings.credentials().map(DecisionLogSettings.Credentials::user).orElse(null),
                    settings.credentials().map(DecisionLogSettings.Credentials::password).orElse(null));
        };
        if (store == null) {
            return DecisionLog.off();
        }
        Connection first = null;
        String unreachable = null;
        try {
            first = Migrations.connect(store);
        } catch (SQLException | RuntimeException e) {
            if (settings.required()) {
                store.close();
                throw new DecisionStoreException("decision log: cannot reach the " + store.location()
                        + " (decision_log.required is true): " + SqlErrors.describe(e), e);
            }
            unreachable = "cannot reach " + store.location() + ": " + SqlErrors.describe(e);
            LOG.warn("decision log: {}; running degraded, rows are dropped and counted until it answers", unreachable);
        }
        BatchWriter writer = new BatchWriter(store,
                new BatchWriter.Settings(settings.queueCapacity(), settings.batchSize(), settings.flushInterval(),
                        CLOSE_TIMEOUT),
                new Retention(settings.retention(), settings.retentionCheckInterval(), Clock.systemUTC()), registry);
        if (unreachable != null) {
            writer.failing(unreachable);
        }
        writer.start();
        return new StoreDecisionLog(store, writer, new SessionConnection(store, first), settings.logText());
    }
}
