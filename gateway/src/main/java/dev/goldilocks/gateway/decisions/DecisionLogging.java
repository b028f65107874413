package dev.goldilocks.gateway.decisions;

import dev.goldilocks.proto.v1.DecisionLogHealth;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.store.DecisionHistory;
import dev.goldilocks.store.DecisionLog;
import dev.goldilocks.store.ExperimentStore;
import dev.goldilocks.store.DecisionLogSettings;
import dev.goldilocks.store.DecisionLogs;
import dev.goldilocks.store.LogHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's decision log: opened from the {@code decision_log} config section (DuckDB, PostgreSQL or off),
 * with the recorder the services write through and the health an operator watches. A degraded log (its store
 * down or slow: rows dropped and counted) never stops the gateway serving: gRPC health stays SERVING, and the
 * state shows as the gauge {@code goldilocks_decision_log_degraded}, a log line when it changes, and the
 * report's {@code decision_log}.
 */
public final class DecisionLogging implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionLogging.class);
    /** How often the health is looked at for a change worth a log line. */
    private static final long WATCH_MILLIS = 5_000;

    private final DecisionLog log;
    private final DecisionRecorder recorder;
    private final ScheduledExecutorService watcher;
    private final MeterRegistry registry;
    private volatile LogHealth.State watched;

    private DecisionLogging(DecisionLog log, DecisionRecorder recorder, ScheduledExecutorService watcher,
                            MeterRegistry registry) {
        this.log = log;
        this.registry = registry;
        this.recorder = recorder;
        this.watcher = watcher;
    }

    /**
     * Opens the log; a store that is {@code required} and unreachable is a
     * {@link dev.goldilocks.store.DecisionStoreException} naming its URL or path.
     *
     * @param signingKey the gateway's request id key (the unit hash key is derived from it)
     * @param policies   the router's policies with their settings
     */
    public static DecisionLogging open(DecisionLogSettings settings, MeterRegistry registry, byte[] signingKey,
                                       Map<String, PolicySpec> policies) {
        DecisionLog log = DecisionLogs.open(settings, registry);
        DecisionRecorder recorder = new DecisionRecorder(log, settings.logText(), signingKey, policies);
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "decision-log-health");
            t.setDaemon(true);
            return t;
        });
        DecisionLogging logging = new DecisionLogging(log, recorder, watcher, registry);
        Gauge.builder("goldilocks.decision.log.degraded", logging,
                        l -> l.log.health().state() == LogHealth.State.DEGRADED ? 1 : 0)
                .description("1 while the decision log drops rows (store unreachable or failing, or its queue full in"
                        + " the last minute); the gateway keeps serving").register(registry);
        LogHealth health = log.health();
        logging.watched = health.state();
        if (health.state() == LogHealth.State.OFF) {
            LOG.info("decision log: off (decision_log.store: off)");
        } else {
            LOG.info("decision log: {}", health.detail());
        }
        watcher.scheduleWithFixedDelay(logging::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        return logging;
    }

    /** A gateway without a decision log. */
    public static DecisionLogging off(MeterRegistry registry) {
        return open(DecisionLogSettings.off(), registry, new byte[32], Map.of());
    }

    public DecisionRecorder recorder() {
        return recorder;
    }

    /** The queries that read the log back; empty when it is off. */
    public Optional<DecisionHistory> history() {
        return log.history();
    }

    /** Experiments kept in the log's store; empty when the log is off. */
    public Optional<ExperimentStore> experiments() {
        return log.experiments();
    }

    public LogHealth health() {
        return log.health();
    }

    /** The health as the admin API reports it. */
    public DecisionLogHealth healthMessage() {
        LogHealth h = log.health();
        return DecisionLogHealth.newBuilder().setState(h.state().name().toLowerCase(Locale.ROOT))
                .setDetail(h.detail()).build();
    }

    /** Waits until every row recorded so far is written or counted as dropped; false after {@code timeout}. */
    public boolean flush(Duration timeout) {
        return log.flush(timeout);
    }

    /** Rows written since start (goldilocks_decision_log_written_total); 0 when the log is off. */
    public double written() {
        return registry.find("goldilocks.decision.log.written").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Rows dropped since start, every reason (goldilocks_decision_log_dropped_total). */
    public double dropped() {
        return registry.find("goldilocks.decision.log.dropped").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private void watch() {
        LogHealth now = log.health();
        LogHealth.State before = watched;
        watched = now.state();
        if (now.state() == LogHealth.State.DEGRADED && before != LogHealth.State.DEGRADED) {
            LOG.warn("decision log degraded, rows are dropped and counted (goldilocks_decision_log_dropped_total);"
                    + " the gateway keeps serving: {}", now.detail());
        } else if (now.state() == LogHealth.State.OK && before == LogHealth.State.DEGRADED) {
            LOG.info("decision log recovered: {}", now.detail());
        }
    }

    /**
     * After the gateway drained: the rows still queued are written while the store answers (the log gives it a few
     * seconds; what is left is counted as dropped), then the store is released.
     */
    @Override
    public void close() {
        watcher.shutdownNow();
        recorder.close();
        log.close();
    }
}
