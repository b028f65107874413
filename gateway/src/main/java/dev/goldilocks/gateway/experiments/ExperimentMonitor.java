package dev.goldilocks.gateway.experiments;

import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.stats.experiment.ArmResult;
import dev.goldilocks.store.ExperimentStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica routing by the experiments in the book (re-read every {@link #INTERVAL}, so a change made on
 * any replica reaches every one within it), and stops a running experiment with automatic stop on as soon as one
 * of its treatments breaches a guardrail (every replica checks; the first to stop it logs the event).
 */
final class ExperimentMonitor implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final ExperimentLifecycle lifecycle;
    private final LiveExperiments live;
    private final ExperimentAnalyzer analyzer;
    private final Optional<ExperimentStore> results;
    private final RateLimitedLog warnings = new RateLimitedLog(LoggerFactory.getLogger(ExperimentMonitor.class),
            Duration.ofMinutes(1));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "experiments");
        t.setDaemon(true);
        return t;
    });

    ExperimentMonitor(ExperimentLifecycle lifecycle, LiveExperiments live, ExperimentAnalyzer analyzer,
                      Optional<ExperimentStore> results) {
        this.lifecycle = lifecycle;
        this.live = live;
        this.analyzer = analyzer;
        this.results = results;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::tick, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Routes by what the book holds now. */
    void reload() {
        live.refresh(lifecycle.list());
    }

    private void tick() {
        List<Experiment> experiments;
        try {
            experiments = lifecycle.list();
        } catch (RuntimeException e) {
            warnings.warn("reload", "experiments: cannot read them ({}); routing by the ones read last", e.getMessage());
            return;
        }
        live.refresh(experiments);
        if (results.isEmpty()) {
            return;
        }
        for (Experiment x : experiments) {
            if (x.state() == ExperimentState.RUNNING && x.spec().autoStop()) {
                try {
                    guard(x, results.get());
                } catch (RuntimeException e) {
                    warnings.warn("guard:" + x.name(), "experiment '{}': its guardrails could not be read: {}", x.name(),
                            e.getMessage());
                }
            }
        }
    }

    private void guard(Experiment x, ExperimentStore store) {
        Optional<ArmResult> breach = analyzer.overall(x, store).flatMap(ExperimentAnalyzer::breached);
        breach.ifPresent(b -> lifecycle.autoStop(x.name(), "guardrail breached by arm '" + b.arm() + "': "
                + b.explanation()));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
