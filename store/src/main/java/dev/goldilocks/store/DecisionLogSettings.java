package dev.goldilocks.store;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code decision_log} section of a gateway's config:
 * <pre>
 * decision_log:
 *   store: duckdb              # duckdb (one file, the default) | postgresql (shared by replicas) | off
 *   path: data/decision-log.duckdb      # duckdb: the file
 *   url: jdbc:postgresql://db:5432/goldilocks   # postgresql: required
 *   credentials_file: /run/secrets/decision-log.yaml   # postgresql: "user: ..." and "password: ..."
 *   required: false            # true: an unreachable store stops the start; false: warn, run degraded
 *   queue_capacity: 10000      # rows waiting to be written, at most; beyond, rows are dropped and counted
 *   batch_size: 1000           # rows per write, at most
 *   flush_interval_ms: 200     # a row waits at most this long for its batch to fill
 *   retention_days: 30         # rows older than this are deleted (checked hourly); 0 keeps them forever
 *   log_text: false            # true keeps the prompt and the answer; off by default
 * </pre>
 *
 * @param retentionCheckInterval how often retention is enforced (not in the file: hourly)
 */
public record DecisionLogSettings(Kind store, Path path, String url, Optional<Credentials> credentials,
                                  boolean required, int queueCapacity, int batchSize, Duration flushInterval,
                                  Duration retention, boolean logText, Duration retentionCheckInterval) {

    public enum Kind {
        DUCKDB, POSTGRESQL, OFF
    }

    public static final Path DEFAULT_PATH = Path.of("data", "decision-log.duckdb");
    private static final Duration HOURLY = Duration.ofHours(1);

    public static DecisionLogSettings defaults() {
        return read(ConfigNode.empty());
    }

    /** Reads the section's keys from {@code node}, relative paths against the working directory. */
    public static DecisionLogSettings read(ConfigNode node) {
        return read(node, Path.of(""));
    }

    /**
     * Reads the section's keys from {@code node}; every error names its key. Relative paths (the DuckDB file,
     * the credentials file) resolve against {@code baseDir}, the config file's folder, as every path in it does.
     */
    public static DecisionLogSettings read(ConfigNode node, Path baseDir) {
        // YAML 1.1 reads a bare `off` as the boolean false
        Kind store = "false".equals(node.string("store", "duckdb")) ? Kind.OFF
                : Kind.valueOf(node.oneOf("store", "duckdb", Set.of("duckdb", "postgresql", "off")).toUpperCase(Locale.ROOT));
        Path path = baseDir.resolve(node.string("path", DEFAULT_PATH.toString())).normalize();
        String url = node.string("url", "");
        if (store == Kind.POSTGRESQL && url.isBlank()) {
            throw node.error("url", "is required when store is postgresql");
        }
        if (!url.isBlank() && !url.startsWith("jdbc:postgresql:")) {
            throw node.error("url", "must be a jdbc:postgresql: URL");
        }
        Optional<Credentials> credentials = Optional.empty();
        if (node.has("credentials_file")) {
            Path file = baseDir.resolve(node.requiredString("credentials_file")).normalize();
            try {
                credentials = Optional.of(Credentials.read(file));
            } catch (ConfigException e) {
                throw node.error("credentials_file", e.getMessage());
            }
        }
        return new DecisionLogSettings(store, path, url, credentials,
                node.bool("required", false),
                node.integer("queue_capacity", 10_000, 1, 10_000_000),
                node.integer("batch_size", 1_000, 1, 100_000),
                Duration.ofMillis(node.integer("flush_interval_ms", 200, 1, 3_600_000)),
                Duration.ofDays(node.integer("retention_days", 30, 0, 36_500)),
                node.bool("log_text", false),
                HOURLY);
    }

    /** The log off: nothing is written. */
    public static DecisionLogSettings off() {
        return defaults().withStore(Kind.OFF);
    }

    /** The default settings with the DuckDB file {@code file}. */
    public static DecisionLogSettings duckdb(Path file) {
        return defaults().withPath(file);
    }

    public DecisionLogSettings withStore(Kind newStore) {
        return new DecisionLogSettings(newStore, path, url, credentials, required, queueCapacity, batchSize,
                flushInterval, retention, logText, retentionCheckInterval);
    }

    /** These settings with the DuckDB file {@code file}. */
    public DecisionLogSettings withPath(Path file) {
        return new DecisionLogSettings(store, file, url, credentials, required, queueCapacity, batchSize, flushInterval,
                retention, logText, retentionCheckInterval);
    }

    /** These settings writing batches of at most {@code rows}, each row waiting at most {@code interval}. */
    public DecisionLogSettings withBatching(int rows, Duration interval) {
        return new DecisionLogSettings(store, path, url, credentials, required, queueCapacity, rows, interval,
                retention, logText, retentionCheckInterval);
    }

    public DecisionLogSettings withRetentionCheckInterval(Duration every) {
        return new DecisionLogSettings(store, path, url, credentials, required, queueCapacity, batchSize, flushInterval,
                retention, logText, every);
    }

    /** The user and password of a PostgreSQL store, from a YAML file with the keys user and password. */
    public static final class Credentials {

        private final String user;
        private final String password;

        private Credentials(String user, String password) {
            this.user = user;
            this.password = password;
        }

        public static Credentials read(Path file) {
            ConfigNode node = ConfigNode.load(file);
            try {
                Credentials c = new Credentials(node.requiredString("user"), node.string("password", null));
                node.finish();
                return c;
            } catch (ConfigException e) {
                throw new ConfigException(file + ": " + e.getMessage(), e);
            }
        }

        public static Credentials of(String user, String password) {
            return new Credentials(user, password);
        }

        public String user() {
            return user;
        }

        /** The password, or null when the server needs none. */
        public String password() {
            return password;
        }

        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }
}
