package dev.goldilocks.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The decision log's meters: rows written, rows dropped by reason, rows waiting, and how long a batch
 * takes to write. In Prometheus: goldilocks_decision_log_dropped_total{reason}, _written_total,
 * _queued_rows, _batch_write_seconds.
 */
final class WriterMetrics {

    /** Why rows were dropped: bounded, one label value each. */
    enum DropReason {
        /** Offered while the queue held its capacity (the store is slow or down). */
        QUEUE_FULL,
        /** In a batch the store failed or refused; the whole batch is lost. */
        STORE_ERROR,
        /** Offered after close, or still queued when close found the store unreachable. */
        CLOSED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final Counter written;
    private final Timer batchWrite;

    WriterMetrics(MeterRegistry registry, AtomicInteger queued) {
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder("goldilocks.decision.log.dropped")
                    .description("Decision log rows (decisions and outcomes) dropped instead of written")
                    .tag("reason", reason.label()).register(registry));
        }
        written = Counter.builder("goldilocks.decision.log.written")
                .description("Decision log rows (decisions and outcomes) written to the store").register(registry);
        batchWrite = Timer.builder("goldilocks.decision.log.batch.write")
                .description("Time to write one batch to the store, failed ones included")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("goldilocks.decision.log.queued", queued, AtomicInteger::get)
                .description("Decision log rows accepted and not yet written").baseUnit("rows").register(registry);
    }

    void dropped(DropReason reason, int rows) {
        dropped.get(reason).increment(rows);
    }

    void written(int rows) {
        written.increment(rows);
    }

    void batchTook(long nanos) {
        batchWrite.record(nanos, TimeUnit.NANOSECONDS);
    }

    long droppedTotal() {
        return Math.round(dropped.values().stream().mapToDouble(Counter::count).sum());
    }
}
