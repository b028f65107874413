package dev.goldilocks.gateway.quality;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A report, built on a thread of its own and cached: readers (the admin RPC, /report, /report.json) get
 * a future and never build on their own thread, however many read at once; at most one build runs at a
 * time, and a report younger than {@code maxAgeMillis} is reused rather than built again.
 */
public final class CachedReport<T> implements AutoCloseable {

    private final Supplier<T> build;
    private final long maxAgeMillis;
    private final ExecutorService builder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "report-builder");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<T> latest;
    private long latestStartedMillis;

    public CachedReport(Supplier<T> build, long maxAgeMillis) {
        this.build = build;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** The report being built, or the last one while it is younger than the maximum age. */
    public synchronized CompletableFuture<T> get() {
        long now = System.currentTimeMillis();
        boolean stale = latest == null || latest.isDone() && (now - latestStartedMillis > maxAgeMillis
                || latest.isCompletedExceptionally());
        if (stale) {
            latestStartedMillis = now;
            latest = CompletableFuture.supplyAsync(build, builder);
        }
        return latest;
    }

    @Override
    public void close() {
        builder.shutdownNow();
    }
}
