package dev.goldilocks.gateway;

import dev.goldilocks.common.grpc.GrpcServers;
import dev.goldilocks.common.grpc.ServingProcess;
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
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway process's public gRPC server. {@link #close()} drains: NOT_SERVING, then in-flight calls finish. */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private final ServingProcess process;
    private final WorkerPools pools;
    private final RouterFactory routing;

    private GatewayServer(ServingProcess process, WorkerPools pools, RouterFactory routing) {
        this.process = process;
        this.pools = pools;
        this.routing = routing;
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
        ServingProcess process;
        try {
            process = ServingProcess.start("gateway", server, health, executor, registry, config.host(),
                    config.metricsPort());
        } catch (IOException e) {
            routing.close();
            pools.close();
            throw e;
        }
        process.serving(GoldilocksGrpc.SERVICE_NAME);
        LOG.info("gateway serving on {}:{}", config.host(), process.port());
        return new GatewayServer(process, pools, routing);
    }

    public int port() {
        return process.port();
    }

    /** The /metrics port, or -1 when this gateway serves none. */
    public int metricsPort() {
        return process.metricsPort();
    }

    public void awaitTermination() throws InterruptedException {
        process.awaitTermination();
    }

    /** Drains: NOT_SERVING, no new calls, running calls finish; then worker channels and the router close. */
    @Override
    public void close() {
        process.close();
        pools.close();
        routing.close();
    }
}
