package dev.goldilocks.store;

import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.store.WriterMetrics.DropReason;
import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.SqlErrors;
import dev.goldilocks.store.jdbc.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes rows off the callers' threads and writes them in batches on one thread of its own. A caller never
 * waits: a row is queued when fewer than {@code capacity} rows are waiting to be written (the batch being
 * written counts), and dropped and counted otherwise. A batch is written when it has {@code batchSize}
 * rows or its first row has waited {@code flushInterval}, in one transaction. A batch that fails because
 * the store went away is dropped and counted whole; one the store refuses while it stays reachable (a
 * row it will not take) is retried row by row, so only the refused rows are lost. While the store is
 * unreachable the writer stops taking rows and retries the connection with backoff, so a short outage
 * loses nothing until the queue fills. Every row handed to {@link #offer} is therefore either written or
 * counted in exactly one drop reason.
 */
final class BatchWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    private static final long IDLE_WAKE_MILLIS = 1_000;
    /** How long a full queue keeps the health degraded after the last row it dropped. */
    private static final long QUEUE_FULL_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long NEVER = Long.MIN_VALUE;

    /** How the writer batches. */
    record Settings(int capacity, int batchSize, Duration flushInterval, Duration closeTimeout) {
    }

    private final Store store;
    private final Settings settings;
    private final Retention retention;
    private final AtomicInteger held = new AtomicInteger();
    private final WriterMetrics metrics;
    private final RateLimitedLog rateLimited = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Offers hold the read lock, close the write lock: no row slips in after the writer's last look. */
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong lastQueueFull = new AtomicLong(NEVER);
    private final Thread thread;
    private volatile boolean closed;
    /** Why rows are not being written; null while they are. */
    private volatile String failure;
    /** Used by the writer thread only. */
    private Connection connection;

    BatchWriter(Store store, Settings settings, Retention retention, MeterRegistry registry) {
        this.store = store;
        this.settings = settings;
        this.retention = retention;
        this.metrics = new WriterMetrics(registry, held);
        this.thread = new Thread(this::run, "decision-log-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a row without waiting; returns false when it was dropped (and counted). */
    boolean offer(Object row) {
        closeLock.readLock().lock();
        try {
            if (closed) {
                metrics.dropped(DropReason.CLOSED, 1);
                return false;
            }
            if (held.incrementAndGet() > settings.capacity()) {
                held.decrementAndGet();
                metrics.dropped(DropReason.QUEUE_FULL, 1);
                lastQueueFull.set(System.nanoTime());
                return false;
            }
            queue.add(row);
            if (queue.size() >= settings.batchSize()) {
                LockSupport.unpark(thread); // a full batch is waiting: the writer need not wait out the interval
            }
            return true;
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /**
     * Waits until every row offered before this call has been written or counted as dropped; false when
     * that took longer than {@code timeout} (the store is unreachable, or slow).
     */
    boolean flush(Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        closeLock.readLock().lock();
        try {
            if (closed) {
                return held.get() == 0;
            }
            queue.add(new Batch.FlushMarker(done));
            LockSupport.unpark(thread);
        } finally {
            closeLock.readLock().unlock();
        }
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    LogHealth health() {
        String why = failure;
        if (why != null) {
            return new LogHealth(LogHealth.State.DEGRADED, why);
        }
        long full = lastQueueFull.get();
        if (full != NEVER && System.nanoTime() - full < QUEUE_FULL_MEMORY_NANOS) {
            return new LogHealth(LogHealth.State.DEGRADED, "the queue of " + settings.capacity() + " rows was full"
                    + " within the last minute: the store does not keep up and rows are dropped ("
                    + metrics.droppedTotal() + " since start)");
        }
        return new LogHealth(LogHealth.State.OK, "writing to " + store.location() + " (" + metrics.droppedTotal()
                + " rows dropped since start)");
    }

    /** Writes what is queued (while the store answers, up to the close timeout) and stops the writer. */
    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            closeLock.writeLock().unlock();
        }
        queue.add(new Batch.FlushMarker(new CompletableFuture<>())); // wakes a writer waiting for rows
        LockSupport.unpark(thread); // or gathering a batch
        closing.countDown(); // and one waiting to reconnect
        try {
            thread.join(settings.closeTimeout().toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(settings.closeTimeout().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("decision log: the writer did not finish within {}; {} rows were not written",
                    settings.closeTimeout(), held.get());
        }
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        try {
            while (true) {
                if (connection == null) {
                    if (!connect()) {
                        if (closed) {
                            dropQueued();
                            return;
                        }
                        pause(backoff);
                        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                        continue;
                    }
                    backoff = FIRST_BACKOFF_MILLIS;
                }
                Batch batch = collect();
                write(batch);
                batch.completeMarkers();
                enforceRetention();
                if (closed && queue.isEmpty()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            disconnect();
        }
    }

    private boolean connect() {
        try {
            connection = Migrations.connect(store);
            if (failure != null) {
                LOG.info("decision log: {} answers again", store.location());
                failure = null;
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            failing("cannot reach " + store.location() + ": " + SqlErrors.describe(e));
            return false;
        }
    }

    /** Rows for one batch: waits for a first row, then until the batch is full or its flush interval ends. */
    private Batch collect() throws InterruptedException {
        Batch batch = new Batch();
        Object first = queue.poll(Math.max(1, Math.min(IDLE_WAKE_MILLIS, retention.millisUntilDue())),
                TimeUnit.MILLISECONDS);
        if (first == null || batch.add(first)) {
            return batch;
        }
        // Then the rest of the batch, without being woken for each row: waiting in poll(), every row offered to
        // an empty queue woke this thread, one wake-up per row at moderate rates, whose CPU (on the offering
        // request's thread too) was most of the log's cost to a saturated gateway. It sleeps until the interval
        // ends, or until a full batch, a flush or close wakes it.
        long deadline = System.nanoTime() + settings.flushInterval().toNanos();
        while (batch.rows() < settings.batchSize()) {
            Object next = queue.poll();
            if (next != null) {
                if (batch.add(next)) {
                    break;
                }
                continue;
            }
            long wait = deadline - System.nanoTime();
            if (closed || wait <= 0) {
                break; // past the deadline, or closing: what was queued is taken, wait for nothing more
            }
            LockSupport.parkNanos(this, wait);
            if (Thread.interrupted()) {
                throw new InterruptedException("decision log writer interrupted");
            }
        }
        return batch;
    }

    private void write(Batch batch) {
        int rows = batch.rows();
        if (rows == 0) {
            return;
        }
        long start = System.nanoTime();
        try {
            batch.writeTo(store, connection);
            written(rows);
        } catch (SQLException | RuntimeException e) {
            if (connectionSound()) {
                // the store is there but refused something in the batch: lose only the rows it refuses
                writeRowByRow(batch);
            } else {
                metrics.dropped(DropReason.STORE_ERROR, rows);
                failing("a batch of " + rows + " rows failed on " + store.location() + ": " + SqlErrors.describe(e));
                disconnect();
            }
        } finally {
            metrics.batchTook(System.nanoTime() - start);
            held.addAndGet(-rows);
        }
    }

    private void writeRowByRow(Batch batch) {
        List<Batch> singles = batch.singles();
        for (int i = 0; i < singles.size(); i++) {
            try {
                singles.get(i).writeTo(store, connection);
                written(1);
            } catch (SQLException | RuntimeException e) {
                metrics.dropped(DropReason.STORE_ERROR, 1);
                rateLimited.warn("decision-log-refused", "decision log: {} refused a row: {}", store.location(),
                        SqlErrors.describe(e));
                if (!connectionSound()) {
                    int rest = singles.size() - i - 1;
                    metrics.dropped(DropReason.STORE_ERROR, rest);
                    failing("a batch failed on " + store.location() + ": " + SqlErrors.describe(e));
                    disconnect();
                    return;
                }
            }
        }
    }

    private void written(int rows) {
        metrics.written(rows);
        failure = null;
    }

    private boolean connectionSound() {
        try {
            return connection != null && connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void enforceRetention() {
        if (connection == null) {
            return;
        }
        try {
            long deleted = retention.runIfDue(connection);
            if (deleted > 0) {
                LOG.info("decision log: deleted {} rows past the retention", deleted);
            }
        } catch (SQLException | RuntimeException e) {
            failing("deleting rows past the retention failed on " + store.location() + ": " + SqlErrors.describe(e));
            disconnect();
        }
    }

    /** The writer is closing and the store cannot be reached: what is still queued is lost, and counted. */
    private void dropQueued() {
        Batch rest = new Batch();
        Object item;
        while ((item = queue.poll()) != null) {
            rest.add(item);
        }
        int rows = rest.rows();
        if (rows > 0) {
            metrics.dropped(DropReason.CLOSED, rows);
            held.addAndGet(-rows);
            LOG.warn("decision log: closing with {} unreachable; {} queued rows were not written", store.location(), rows);
        }
        rest.completeMarkers();
    }

    /** Marks the log degraded until the next successful write. */
    void failing(String why) {
        failure = why;
        rateLimited.warn("decision-log-failure", "decision log degraded: {}", why);
    }

    private void pause(long millis) throws InterruptedException {
        closing.await(millis, TimeUnit.MILLISECONDS);
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it was broken already
            }
            connection = null;
        }
    }
}
