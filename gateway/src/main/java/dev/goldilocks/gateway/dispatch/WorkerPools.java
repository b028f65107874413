package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.common.grpc.EventLoops;
import dev.goldilocks.common.grpc.TlsFiles;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.backend.HttpTransport;
import dev.goldilocks.gateway.backend.ModelBackend;
import dev.goldilocks.gateway.backend.OpenAiBackend;
import dev.goldilocks.gateway.backend.WorkerBackend;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.ModelStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
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
 * The endpoints of every model: our workers, or an OpenAI-compatible server. A worker model's configured
 * target host:port may resolve to several addresses (a Kubernetes headless Service); targets are re-resolved
 * periodically, so endpoints join and leave without a restart (the channel of an address that left is
 * closed). A model behind an OpenAI-compatible server has that server as its one endpoint. Every endpoint's
 * status is polled, all at once and without blocking, for the choice between replicas and for ListModels.
 */
public final class WorkerPools implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPools.class);
    /** The longest a poll waits for its answer (a first one includes connecting); no thread waits for it. */
    private static final long MAX_POLL_MILLIS = 5000;

    private final Map<String, ModelPool> pools = new LinkedHashMap<>();
    /** Worker endpoints by address. */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    /** The endpoints of models served over HTTP, by model: fixed for the process's life. */
    private final Map<String, Endpoint> remote = new LinkedHashMap<>();
    private final Optional<HttpTransport> http;
    private final Map<String, List<String>> resolved = new ConcurrentHashMap<>();
    private final Resolver resolver;
    private final CircuitBreakerConfig breakerConfig;
    private final int maxInboundBytes;
    private final Optional<SslContext> tls;
    private final Optional<EventLoops> loops;
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

    /** Worker connections on {@code loops} when given (one per loop and worker), else on gRPC's shared loops. */
    public WorkerPools(List<ModelRoute> models, int maxInboundBytes, DispatchSettings settings,
                       Optional<TlsFiles> tls, Optional<EventLoops> loops, DispatchMetrics metrics,
                       RateLimitedLog operator) {
        this(models, maxInboundBytes, settings, tls, loops, metrics, operator,
                host -> List.of(InetAddress.getAllByName(host)));
    }

    WorkerPools(List<ModelRoute> models, int maxInboundBytes, DispatchSettings settings, Optional<TlsFiles> tls,
                Optional<EventLoops> loops, DispatchMetrics metrics, RateLimitedLog operator, Resolver resolver) {
        this.resolver = resolver;
        this.loops = loops;
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
        this.http = models.stream().anyMatch(m -> m.openAi().isPresent()) ? Optional.of(new HttpTransport())
                : Optional.empty();
        for (ModelRoute model : models) {
            ModelLimiter limiter = new ModelLimiter(model.name(), settings.modelLimit());
            ModelPool pool = model.openAi().isPresent() ? new ModelPool(model.name(), List.of(), limiter)
                    : new ModelPool(model.name(), model.endpoints(), limiter);
            model.openAi().ifPresent(backend -> {
                Endpoint endpoint = endpoint(new OpenAiBackend(model.name(), backend, http.orElseThrow(), operator),
                        "openai-" + model.name());
                remote.put(model.name(), endpoint);
                pool.endpoints(List.of(endpoint));
            });
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
     * The model's state as its endpoints last reported it, from one that accepts calls and has it ready
     * (what ListModels answers; no call is made).
     */
    public Optional<ModelStatus> readyStatus(String model) {
        return pools.get(model).endpoints().stream().filter(e -> e.health() == Endpoint.Health.ACCEPTING)
                .flatMap(e -> e.status(model).stream()).filter(s -> s.getState() == ModelStatus.State.READY)
                .findFirst();
    }

    /**
     * Re-resolves every worker target, closes the channels of addresses that left, and polls every endpoint;
     * returns a latch that opens when every poll has answered or failed.
     */
    CountDownLatch refresh() {
        try {
            Set<String> live = new HashSet<>();
            for (ModelPool pool : pools.values()) {
                if (remote.containsKey(pool.model())) {
                    continue;
                }
                Set<String> addresses = new LinkedHashSet<>();
                for (String target : pool.targets()) {
                    addresses.addAll(resolve(target));
                }
                pool.endpoints(addresses.stream().map(a -> endpoints.computeIfAbsent(a, this::open)).toList());
                live.addAll(addresses);
            }
            forgetAllBut(live);
            List<Endpoint> all = new ArrayList<>(endpoints.values());
            all.addAll(remote.values());
            CountDownLatch answered = new CountDownLatch(all.size());
            all.forEach(e -> poll(e, answered));
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
                gone.backend().shutdown();
                LOG.info("worker endpoint {} left DNS: its channel is closed", address);
            }
        }
    }

    private Endpoint open(String address) {
        return endpoint(WorkerBackend.open(address, maxInboundBytes, tls, loops), "worker-" + address);
    }

    /** An endpoint with its own breaker, whose state changes are counted and told to the operator. */
    private Endpoint endpoint(ModelBackend backend, String breakerName) {
        Endpoint endpoint = new Endpoint(backend, CircuitBreaker.of(breakerName, breakerConfig));
        String address = backend.address();
        endpoint.breaker().getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            List<String> models = modelsServedBy(endpoint);
            models.forEach(m -> metrics.breakerTransition(m, DispatchMetrics.label(to.name())));
            if (to == CircuitBreaker.State.OPEN) {
                CircuitBreaker.Metrics m = endpoint.breaker().getMetrics();
                operator.warn("breaker-open:" + address, "endpoint {} (models {}): circuit breaker opened"
                                + " (failure rate {}%, slow-call rate {}% of the last {} calls)", address, models,
                        m.getFailureRate(), m.getSlowCallRate(), m.getNumberOfBufferedCalls());
            } else {
                operator.info("breaker-" + to + ":" + address, "endpoint {} (models {}): circuit breaker {} -> {}",
                        address, models, event.getStateTransition().getFromState(), to);
            }
        });
        return endpoint;
    }

    private List<String> modelsServedBy(Endpoint endpoint) {
        return pools.values().stream().filter(p -> p.endpoints().contains(endpoint)).map(ModelPool::model).toList();
    }

    private void poll(Endpoint e, CountDownLatch answered) {
        // an unreachable endpoint shows in its breaker when calls fail; no thread waits for the answer
        e.backend().status(Duration.ofMillis(pollMillis)).whenComplete((status, t) -> {
            if (status != null) {
                e.polled(status);
            }
            answered.countDown();
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
        List<Endpoint> all = new ArrayList<>(endpoints.values());
        all.addAll(remote.values());
        all.forEach(e -> e.backend().shutdown());
        all.forEach(e -> e.backend().close());
        http.ifPresent(HttpTransport::close);
    }
}
