package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.common.grpc.TlsFiles;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGrpc;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker endpoints of every model. A configured target host:port may resolve to several addresses
 * (a Kubernetes headless Service); targets are re-resolved periodically, so endpoints join and leave
 * without a restart, and each endpoint's load is polled (Status) for the choice between replicas.
 */
public final class WorkerPools implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPools.class);

    private final Map<String, ModelPool> pools = new LinkedHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final CircuitBreakerConfig breakerConfig;
    private final int maxInboundBytes;
    private final Optional<SslContext> tls;
    private final ScheduledExecutorService refresher;

    public WorkerPools(List<ModelRoute> models, int maxInboundBytes, DispatchSettings settings,
                       Optional<TlsFiles> tls) {
        this.maxInboundBytes = maxInboundBytes;
        this.tls = tls.map(TlsFiles::clientContext);
        this.breakerConfig = CircuitBreakerConfig.custom()
                .failureRateThreshold((float) settings.breakerFailureRate())
                .slowCallRateThreshold((float) settings.breakerFailureRate())
                .slowCallDurationThreshold(Duration.ofMillis((long) (settings.breakerSlowSeconds() * 1000)))
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerMinCalls())
                .waitDurationInOpenState(Duration.ofMillis((long) (settings.breakerOpenSeconds() * 1000)))
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
        for (ModelRoute model : models) {
            pools.put(model.name(), new ModelPool(model.name(), model.endpoints(), Bulkhead.of("model-" + model.name(),
                    BulkheadConfig.custom().maxConcurrentCalls(settings.bulkheadPerModel())
                            .maxWaitDuration(Duration.ZERO).build())));
        }
        refresh();
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-pools");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, (long) (settings.refreshSeconds() * 1000));
        refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    ModelPool pool(String model) {
        return pools.get(model);
    }

    /** Addresses serving {@code model} now, with whether their breaker lets calls through. */
    public Map<String, Boolean> endpointsOf(String model) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        pools.get(model).endpoints().forEach(e -> out.put(e.address(), e.accepting()));
        return out;
    }

    /** The blocking stubs of every endpoint of {@code model}, for status queries. */
    public List<WorkerGrpc.WorkerBlockingStub> blockingStubs(String model) {
        return pools.get(model).endpoints().stream().map(e -> WorkerGrpc.newBlockingStub(e.channel())).toList();
    }

    /** Re-resolves every target and polls every endpoint's load. */
    void refresh() {
        try {
            for (ModelPool pool : pools.values()) {
                List<Endpoint> current = new ArrayList<>();
                for (String target : pool.targets()) {
                    for (String address : resolve(target)) {
                        current.add(endpoints.computeIfAbsent(address, this::open));
                    }
                }
                if (!current.isEmpty() || pool.endpoints().isEmpty()) {
                    pool.endpoints(current); // a failed lookup keeps the last known endpoints
                }
            }
            for (Endpoint e : endpoints.values()) {
                poll(e);
            }
        } catch (RuntimeException e) {
            LOG.warn("refreshing worker endpoints: {}", e.toString());
        }
    }

    private static List<String> resolve(String target) {
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        String port = target.substring(colon + 1);
        try {
            List<String> out = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(host)) {
                out.add((a.getAddress().length == 16 ? "[" + a.getHostAddress() + "]" : a.getHostAddress()) + ":" + port);
            }
            return out;
        } catch (UnknownHostException e) {
            return List.of();
        }
    }

    private Endpoint open(String address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address).maxInboundMessageSize(maxInboundBytes)
                .keepAliveTime(30, TimeUnit.SECONDS);
        if (tls.isPresent()) {
            builder.sslContext(tls.get());
        } else {
            builder.usePlaintext();
        }
        ManagedChannel channel = builder.build();
        return new Endpoint(address, channel, CircuitBreaker.of("worker-" + address, breakerConfig));
    }

    private static void poll(Endpoint e) {
        try {
            StatusResponse status = WorkerGrpc.newBlockingStub(e.channel()).withDeadlineAfter(500, TimeUnit.MILLISECONDS)
                    .status(StatusRequest.getDefaultInstance());
            for (ModelStatus m : status.getModelsList()) {
                e.reportLoad(m.getName(), m.getQueueLength() + m.getInFlight());
            }
        } catch (StatusRuntimeException ex) {
            // an unreachable worker shows in its breaker when calls fail; nothing to record here
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        endpoints.values().forEach(e -> e.channel().shutdown());
        for (Endpoint e : endpoints.values()) {
            try {
                if (!e.channel().awaitTermination(5, TimeUnit.SECONDS)) {
                    e.channel().shutdownNow();
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                e.channel().shutdownNow();
            }
        }
    }
}
