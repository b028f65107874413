package dev.goldilocks.gateway;

import dev.goldilocks.common.grpc.GrpcServers;
import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.dispatch.WorkerPools;
import dev.goldilocks.gateway.service.GatewayMetrics;
import dev.goldilocks.gateway.service.GatewayService;
import dev.goldilocks.gateway.service.InFlightLimit;
import dev.goldilocks.gateway.service.Outcomes;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway process's public gRPC server. {@link #close()} drains: NOT_SERVING, then in-flight calls finish. */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private final Server server;
    private final HealthStatusManager health;
    private final WorkerPools pools;
    private final RouterFactory routing;
    private final ExecutorService executor;
    private final MetricsEndpoint metricsEndpoint;

    private GatewayServer(Server server, HealthStatusManager health, WorkerPools pools, RouterFactory routing,
                          ExecutorService executor, MetricsEndpoint metricsEndpoint) {
        this.server = server;
        this.health = health;
        this.pools = pools;
        this.routing = routing;
        this.executor = executor;
        this.metricsEndpoint = metricsEndpoint;
    }

    /** A gateway with its own metrics registry, served on config.metricsPort() unless that is -1. */
    public static GatewayServer start(GatewayConfig config) throws IOException {
        return start(config, MetricsEndpoint.newRegistry());
    }

    /** A gateway whose metrics go to {@code registry} (the all-in-one shares one between its servers). */
    public static GatewayServer start(GatewayConfig config, PrometheusMeterRegistry registry) throws IOException {
        RouterFactory routing = RouterFactory.create(config);
        InFlightLimit inFlight = new InFlightLimit(config.limits().maxInFlight());
        Gauge.builder("goldilocks.requests.in.flight", inFlight, InFlightLimit::inFlight)
                .description("Public API calls in flight at this gateway").register(registry);
        WorkerPools pools = new WorkerPools(config.models(), config.maxInboundBytes());
        HealthStatusManager health = new HealthStatusManager();
        ExecutorService executor = GrpcServers.boundedExecutor("gateway-grpc");
        Server server = GrpcServers.builder(config.host(), config.port(), config.maxInboundBytes(), executor, health)
                .addService(ServerInterceptors.intercept(new GatewayService(config, routing.router(),
                        new Outcomes(routing.stats(), new GatewayMetrics(registry)), pools), inFlight))
                .build();
        MetricsEndpoint endpoint = null;
        try {
            server.start();
            if (config.metricsPort() >= 0) {
                endpoint = MetricsEndpoint.start(registry, config.host(), config.metricsPort());
            }
        } catch (IOException e) {
            server.shutdownNow();
            routing.close();
            pools.close();
            executor.shutdownNow();
            throw new IOException("gateway: cannot listen on " + config.host() + ":" + config.port() + " (metrics "
                    + config.metricsPort() + "): " + e.getMessage(), e);
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(GoldilocksGrpc.SERVICE_NAME, ServingStatus.SERVING);
        LOG.info("gateway serving on {}:{}", config.host(), server.getPort());
        return new GatewayServer(server, health, pools, routing, executor, endpoint);
    }

    public int port() {
        return server.getPort();
    }

    /** The /metrics port, or -1 when this gateway serves none. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        pools.close();
        routing.close();
        executor.shutdownNow();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
    }
}
