package dev.goldilocks.common.grpc;

import dev.goldilocks.common.metrics.MetricsEndpoint;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A started gRPC server with its health, handler executor and /metrics endpoint, and the drain that
 * gateway and worker share: health NOT_SERVING, no new calls, running calls finish (up to a grace
 * period), then everything stops.
 */
public final class ServingProcess implements AutoCloseable {

    private static final long DRAIN_SECONDS = 30;

    private final Server server;
    private final HealthStatusManager health;
    private final ExecutorService executor;
    private final MetricsEndpoint metrics;

    private ServingProcess(Server server, HealthStatusManager health, ExecutorService executor, MetricsEndpoint metrics) {
        this.server = server;
        this.health = health;
        this.executor = executor;
        this.metrics = metrics;
    }

    /**
     * Starts {@code server} and, unless {@code metricsPort} is -1, the /metrics endpoint of {@code registry}.
     * On failure everything started is stopped again.
     */
    public static ServingProcess start(String what, Server server, HealthStatusManager health, ExecutorService executor,
                                       PrometheusMeterRegistry registry, String host, int metricsPort)
            throws IOException {
        MetricsEndpoint metrics = null;
        try {
            server.start();
            if (metricsPort >= 0) {
                metrics = MetricsEndpoint.start(registry, host, metricsPort);
            }
            return new ServingProcess(server, health, executor, metrics);
        } catch (IOException e) {
            server.shutdownNow();
            executor.shutdownNow();
            throw new IOException(what + ": cannot start on " + host + " (its gRPC port, or metrics port "
                    + metricsPort + "): " + e.getMessage(), e);
        }
    }

    /** Reports SERVING for the whole server and for each named service. */
    public void serving(String... services) {
        health.setStatus("", ServingStatus.SERVING);
        for (String service : services) {
            health.setStatus(service, ServingStatus.SERVING);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The HTTP endpoint beside /metrics, for more pages; null when none is served. */
    public MetricsEndpoint http() {
        return metrics;
    }

    /** The /metrics port, or -1 when none is served. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops at once, failing calls in flight, as a crash would (for failure drills; close() drains). */
    public void abort() {
        health.enterTerminalState();
        server.shutdownNow();
        // The executor goes only once the server has closed its transports: closing a stream runs a task
        // on it, and a rejected task left a client's stream open until its deadline.
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        if (metrics != null) {
            metrics.close();
        }
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        executor.shutdownNow();
        if (metrics != null) {
            metrics.close();
        }
    }
}
