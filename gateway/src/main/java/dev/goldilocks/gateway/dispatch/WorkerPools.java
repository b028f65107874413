package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.common.grpc.TlsFiles;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.ConnectivityState;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker endpoints of every model. A configured target host:port may resolve to several addresses
 * (a Kubernetes headless Service); targets are re-resolved periodically, so endpoints join and leave
 * without a restart (the channel of an address that left is closed), and every endpoint's Status is
 * polled, all at once and without blocking, for the choice between replicas and for ListModels.
 */
public final class WorkerPools implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPools.class);
    /**
     * A fixed HTTP/2 window per worker stream and connection: a client that stops reading holds at most this
     * much of its generation at the gateway before the worker sees back-pressure (auto-tuning could grow it).
     */
    static final int WORKER_WINDOW_BYTES = 1 << 20;
    /** The longest a poll waits for its answer (a first one includes connecting); no thread waits for it. */
    private static final long MAX_POLL_MILLIS = 5000;

    private final Map<String, ModelPool> pools = new LinkedHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, List<String>> resolved = new ConcurrentHashMap<>();
    private final Resolver resolver;
    private final CircuitBreakerConfig breakerConfig;
    private final int maxInboundBytes;
    private final Optional<SslContext> tls;
    private final long pollMillis;
    private final DispatchMetrics metrics;
    private final RateLimitedLog operator;
    private final ScheduledExecutorService refresher;

    /** How a target's host is looked up: DNS, or in tests a list that changes. */
    @FunctionalInterface
    interface Resolver {
        /** The host's addresses; UnknownHostException when the lookup fails. */
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    public WorkerPools(List<ModelRoute> models, int maxInboundBytes, DispatchSettings settings,
                       Optional<TlsFiles> tls, DispatchMetrics metrics, RateLimitedLog operator) {
        this(models, maxInboundBytes, settings, tls, metrics, operator, host -> List.of(InetAddress.getAllByName(host)));
    }

    WorkerPools(List<ModelRoute> models, int maxInboundBytes, DispatchSettings settings, Optional<TlsFiles> tls,
                DispatchMetrics metrics, RateLimitedLog operator, Resolver resolver) {
        this.resolver = resolver;
        this.maxInboundBytes = maxInboundBytes;
        this.tls = tls.map(TlsFiles::clientContext);
        this.metrics = metrics;
        this.operator = operator;
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
            ModelPool pool = new ModelPool(model.name(), model.endpoints(),
                    new ModelLimiter(model.name(), settings.modelLimit()));
            pools.put(model.name(), pool);
            metrics.pool(pool);
        }
        long period = Math.max(100, (long) (settings.refreshSeconds() * 1000));
        this.pollMillis = Math.min(MAX_POLL_MILLIS, Math.max(1000, period));
        awaitQuietly(refresh(), pollMillis + 1000); // the gateway starts knowing which models are ready
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-pools");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    ModelPool pool(String model) {
        return pools.get(model);
    }

    Iterable<ModelPool> pools() {
        return pools.values();
    }

    /**
     * The model's state as its workers last reported it, from an endpoint that accepts calls and has it
     * ready (what ListModels answers; no call is made).
     */
    public Optional<ModelStatus> readyStatus(String model) {
        return pools.get(model).endpoints().stream().filter(e -> e.health() == Endpoint.Health.ACCEPTING)
                .flatMap(e -> e.status(model).stream()).filter(s -> s.getState() == ModelStatus.State.READY)
                .findFirst();
    }

    /**
     * Re-resolves every target, closes the channels of addresses that left, and polls every endpoint;
     * returns a latch that opens when every poll has answered or failed.
     */
    CountDownLatch refresh() {
        try {
            Set<String> live = new HashSet<>();
            for (ModelPool pool : pools.values()) {
                Set<String> addresses = new LinkedHashSet<>();
                for (String target : pool.targets()) {
                    addresses.addAll(resolve(target));
                }
                pool.endpoints(addresses.stream().map(a -> endpoints.computeIfAbsent(a, this::open)).toList());
                live.addAll(addresses);
            }
            forgetAllBut(live);
            CountDownLatch answered = new CountDownLatch(endpoints.size());
            endpoints.values().forEach(e -> poll(e, answered));
            return answered;
        } catch (RuntimeException e) {
            LOG.warn("refreshing worker endpoints: {}", e.toString());
            return new CountDownLatch(0);
        }
    }

    /** A target's addresses now; a lookup that fails keeps the ones it had (DNS trouble is not a pod leaving). */
    private List<String> resolve(String target) {
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        String port = target.substring(colon + 1);
        try {
            List<String> out = new ArrayList<>();
            for (InetAddress a : resolver.resolve(host)) {
                out.add((a.getAddress().length == 16 ? "[" + a.getHostAddress() + "]" : a.getHostAddress()) + ":" + port);
            }
            resolved.put(target, out);
            return out;
        } catch (UnknownHostException e) {
            return resolved.getOrDefault(target, List.of());
        }
    }

    /** Closes the channels of endpoints no target resolves to any more; their calls in flight may finish. */
    private void forgetAllBut(Set<String> live) {
        for (String address : List.copyOf(endpoints.keySet())) {
            if (!live.contains(address)) {
                Endpoint gone = endpoints.remove(address);
                gone.channel().shutdown();
                LOG.info("worker endpoint {} left DNS: its channel is closed", address);
            }
        }
    }

    private Endpoint open(String address) {
        // The worker's answers are handled on the connection's event loop (direct executor): what runs there
        // (Attempt, GenerationCall, the sinks, metrics) never blocks, and a hand-off to gRPC's default cached
        // pool for each message cost about four thread wake-ups per call (JFR: load-tests/results/hop-findings.md).
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address).maxInboundMessageSize(maxInboundBytes)
                .flowControlWindow(WORKER_WINDOW_BYTES).keepAliveTime(30, TimeUnit.SECONDS).directExecutor();
        if (tls.isPresent()) {
            builder.sslContext(tls.get());
        } else {
            builder.usePlaintext();
        }
        Endpoint endpoint = new Endpoint(address, builder.build(), CircuitBreaker.of("worker-" + address, breakerConfig));
        endpoint.breaker().getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            List<String> models = modelsServedBy(endpoint);
            models.forEach(m -> metrics.breakerTransition(m, DispatchMetrics.label(to.name())));
            if (to == CircuitBreaker.State.OPEN) {
                CircuitBreaker.Metrics m = endpoint.breaker().getMetrics();
                operator.warn("breaker-open:" + address, "worker endpoint {} (models {}): circuit breaker opened"
                                + " (failure rate {}%, slow-call rate {}% of the last {} calls)", address, models,
                        m.getFailureRate(), m.getSlowCallRate(), m.getNumberOfBufferedCalls());
            } else {
                operator.info("breaker-" + to + ":" + address, "worker endpoint {} (models {}): circuit breaker {} -> {}",
                        address, models, event.getStateTransition().getFromState(), to);
            }
        });
        return endpoint;
    }

    private List<String> modelsServedBy(Endpoint endpoint) {
        return pools.values().stream().filter(p -> p.endpoints().contains(endpoint)).map(ModelPool::model).toList();
    }

    private void poll(Endpoint e, CountDownLatch answered) {
        if (e.channel().getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            e.channel().resetConnectBackoff(); // a restarted worker is found at the next poll, not minutes later
        }
        e.stub().withDeadlineAfter(pollMillis, TimeUnit.MILLISECONDS).status(StatusRequest.getDefaultInstance(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(StatusResponse status) {
                        e.polled(status);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answered.countDown(); // an unreachable worker shows in its breaker when calls fail
                    }

                    @Override
                    public void onCompleted() {
                        answered.countDown();
                    }
                });
    }

    private static void awaitQuietly(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
