package dev.goldilocks.common.grpc;

import dev.goldilocks.common.metrics.MetricsEndpoint;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started gRPC server with its health, handler executor and /metrics endpoint, and the drain that
 * gateway and worker share ({@link #drain}).
 */
public final class ServingProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServingProcess.class);
    /** How long the final statuses of ended calls may take to reach clients before connections are cut. */
    private static final Duration FLUSH = Duration.ofSeconds(5);
    /** How long calls on their way when the port closed may take to arrive, when an open Watch hides it. */
    private static final Duration SETTLE = Duration.ofMillis(250);
    /** How long the server and its executor may take to stop once every call has ended. */
    private static final Duration STOP = Duration.ofSeconds(5);

    private final String what;
    private final Server server;
    private final HealthStatusManager health;
    private final ExecutorService executor;
    private final MetricsEndpoint metrics;
    private final OpenCalls calls;
    private final DrainSettings settings;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ServingProcess(String what, Server server, HealthStatusManager health, ExecutorService executor,
                           MetricsEndpoint metrics, OpenCalls calls, DrainSettings settings) {
        this.what = what;
        this.server = server;
        this.health = health;
        this.executor = executor;
        this.metrics = metrics;
        this.calls = calls;
        this.settings = settings;
    }

    /**
     * Builds and starts the server of {@code builder} (from {@link GrpcServers#builder}) and, unless
     * {@code metricsPort} is -1, the /metrics endpoint of {@code registry}. On failure everything started is
     * stopped again.
     */
    public static ServingProcess start(String what, NettyServerBuilder builder, HealthStatusManager health,
                                       ExecutorService executor, PrometheusMeterRegistry registry, String host,
                                       int metricsPort, DrainSettings drain) throws IOException {
        OpenCalls calls = new OpenCalls();
        Server server = builder.intercept(calls).addStreamTracerFactory(calls.streams()).build();
        MetricsEndpoint metrics = null;
        try {
            server.start();
            if (metricsPort >= 0) {
                metrics = MetricsEndpoint.start(registry, host, metricsPort);
            }
            return new ServingProcess(what, server, health, executor, metrics, calls, drain);
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

    /** Returns once the drain (or an abort) has stopped everything. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    /** Stops at once, failing calls in flight, as a crash would (for failure drills; close() drains). */
    public void abort() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStoppedUninterruptibly();
            return;
        }
        health.enterTerminalState();
        server.shutdownNow();
        stop();
    }

    /** Drains with nothing of the server's own to stop: see {@link #drain}. */
    @Override
    public void close() {
        drain(() -> { });
    }

    /**
     * Drains, in this order: health turns NOT_SERVING and the port keeps accepting for the pre-stop period
     * (load balancers move away); then the port stops accepting; calls in flight may finish for the grace
     * period; then {@code stopWork} stops the server's own work (the worker's decode loops) and every call
     * still open ends with UNAVAILABLE, reason SHUTTING_DOWN (an open health Watch too, without being waited
     * for); once those statuses have gone out (a few seconds at most) the server, its executor and /metrics
     * stop. Logs one line when it begins and one when it ends, with the calls finished and cancelled.
     *
     * <p>Interrupting the draining thread hurries it: the pre-stop and grace periods end at once (a second
     * SIGTERM does this). A second call waits for the first drain to end.
     */
    public void drain(Runnable stopWork) {
        if (!stopping.compareAndSet(false, true)) {
            awaitStoppedUninterruptibly();
            return;
        }
        long began = System.nanoTime();
        health.enterTerminalState();
        calls.startCounting();
        LOG.info("{} drain begins: health NOT_SERVING, {} calls in flight; accepting for {} s more, then up to {} s"
                + " for calls to finish", what, calls.work(), seconds(settings.preStop()), seconds(settings.grace()));
        boolean hurried = false;
        try {
            TimeUnit.NANOSECONDS.sleep(settings.preStop().toNanos());
            server.shutdown();
            awaitCalls(System.nanoTime() + settings.grace().toNanos());
        } catch (InterruptedException e) {
            hurried = true; // asked to stop now: no more waiting for load balancers or calls
        }
        server.shutdown();
        int left = calls.work();
        if (left > 0) {
            try {
                stopWork.run();
            } catch (RuntimeException e) {
                LOG.error("{} drain: stopping its work failed ({}); ending its calls anyway", what, e.toString());
            }
        }
        calls.endAll(() -> Failures.of(ErrorReason.SHUTTING_DOWN, what
                + " is shutting down and ended the call; retry on another replica").build());
        try {
            // the port closes its connections once their streams have ended (a call that raced the port's
            // closing is ended at once, above): a stream cut before its final status would reach its client as
            // CANCELLED without a reason (only a client that does not read can make this wait)
            server.awaitTermination(FLUSH.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            hurried = true;
        }
        server.shutdownNow();
        stop();
        LOG.info("{} drain ended after {} s{}: {} calls finished, {} cancelled (UNAVAILABLE, SHUTTING_DOWN)", what,
                String.format("%.1f", (System.nanoTime() - began) / 1e9), hurried ? " (hurried)" : "",
                calls.finished(), calls.cancelled());
    }

    /**
     * Lets calls finish until {@code deadline}, those in flight and those still on their way: a client's call sent
     * before it read the server's GOAWAY arrives after the port closed, perhaps after the count reached zero, and
     * would otherwise be ended although the grace period had time for it. The transports closing says no more
     * can come; an open health Watch keeps its transport open, and then a short settle stands in for that.
     */
    private void awaitCalls(long deadline) throws InterruptedException {
        do {
            calls.awaitNoWork(deadline);
            long settle = Math.min(SETTLE.toNanos(), deadline - System.nanoTime());
            if (settle > 0) {
                server.awaitTermination(settle, TimeUnit.NANOSECONDS);
            }
        } while (calls.work() > 0 && System.nanoTime() < deadline);
    }

    /** Stops the server, its executor and /metrics once calls are over. */
    private void stop() {
        try {
            // The executor goes only once the server has closed its transports: closing a stream runs a task
            // on it, and a rejected task left a client's stream open until its deadline.
            server.awaitTermination(STOP.toMillis(), TimeUnit.MILLISECONDS);
            executor.shutdown();
            if (!executor.awaitTermination(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            stopped.countDown();
        }
    }

    private void awaitStoppedUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String seconds(Duration d) {
        return d.toNanos() % 1_000_000_000 == 0 ? String.valueOf(d.getSeconds())
                : String.format("%.1f", d.toNanos() / 1e9);
    }
}
