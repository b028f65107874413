package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the specialists' worker behind one gateway: a replica killed under load, the choice
 * between replicas, a slow replica, a poison request, and every breaker open, with clients unharmed.
 */
class FailoverApiTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static final String MATH = "math-specialist";
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static AllInOne all;

    @BeforeAll
    static void start() throws Exception {
        all = AllInOne.start(MODELS, "127.0.0.1", 0, -1);
    }

    @AfterAll
    static void stop() {
        all.close();
    }

    private static String survivor() {
        return "127.0.0.1:" + all.specialistWorkerPort();
    }

    /** A gateway replica whose specialists are served by {@code endpoints}, with metrics on an ephemeral port. */
    private static Replica gateway(DispatchSettings dispatch, String... endpoints) throws Exception {
        List<ModelRoute> models = all.gatewayConfig().models().stream().map(m -> m.role().equals("specialist")
                ? new ModelRoute(m.name(), m.role(), m.domain(), List.of(endpoints), m.price(), m.prior()) : m).toList();
        return new Replica(all.gatewayConfig().withModels(models).withDispatch(dispatch).withMetricsPort(0));
    }

    private static WorkerServer secondSpecialistWorker() throws Exception {
        List<ModelConfig> specialists = new ArrayList<>();
        for (String name : List.of("code-specialist", "legal-specialist", MATH)) {
            specialists.add(new ModelConfig(name, ModelConfig.CAUSAL_LM, MODELS.resolve(name), "cpu", 1, 2, 64, 256));
        }
        return WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, 64, specialists, -1));
    }

    private static GenerateRequest math(int i) {
        return GenerateRequest.newBuilder().setPrompt("What is " + (i % 90) + " + 4?").setDomainHint("math")
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(4)).build();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Eventually.until(what, condition::getAsBoolean);
    }

    /** The math specialist's requests waiting and running on a worker, as it reports them. */
    private static int load(WorkerGrpc.WorkerBlockingStub worker) {
        return worker.withDeadlineAfter(10, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance()).getModelsList()
                .stream().filter(m -> m.getName().equals(MATH)).mapToInt(m -> m.getQueueLength() + m.getInFlight())
                .sum();
    }

    private static WorkerGrpc.WorkerBlockingStub statusOf(ManagedChannel channel) {
        return WorkerGrpc.newBlockingStub(channel);
    }

    /** Clients calling in closed loops until stopped, counting each outcome. */
    private static final class Clients implements AutoCloseable {
        final Map<Status.Code, Integer> outcomes = new ConcurrentHashMap<>();
        final AtomicInteger ended = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService pool;
        private final List<Future<?>> running = new ArrayList<>();

        Clients(Replica gateway, int n) {
            pool = Executors.newFixedThreadPool(n);
            for (int c = 0; c < n; c++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(i));
                            outcomes.merge(Status.Code.OK, 1, Integer::sum);
                        } catch (StatusRuntimeException e) {
                            outcomes.merge(e.getStatus().getCode(), 1, Integer::sum);
                        }
                        ended.incrementAndGet();
                    }
                }));
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
    }

    /** Failover ahead of admission: the concurrency limit admits all 48 clients, so every outcome is failover's. */
    private static DispatchSettings admitting48() {
        return DispatchSettings.defaults().withModelLimit(ModelLimitSettings.fixed(64));
    }

    @Test
    void killingOneOfTwoReplicasUnderFortyEightClientsFailsNoCall() throws Exception {
        WorkerServer doomed = secondSpecialistWorker();
        ManagedChannel toDoomed = NettyChannelBuilder.forAddress("127.0.0.1", doomed.port()).usePlaintext().build();
        try (Replica gateway = gateway(admitting48(), survivor(), "127.0.0.1:" + doomed.port())) {
            int atKill;
            try (Clients clients = new Clients(gateway, 48)) {
                awaitTrue("calls end on both replicas", () -> clients.ended.get() >= 96);
                awaitTrue("calls in flight on the replica about to die", () -> load(statusOf(toDoomed)) > 0);
                doomed.abort(); // as a crash: calls in flight on it fail, its port closes
                atKill = clients.ended.get();
                awaitTrue("200 more calls end after the kill", () -> clients.ended.get() >= atKill + 200);
                clients.close();
                assertThat(clients.outcomes.keySet()).as("outcomes %s", clients.outcomes).containsOnly(Status.Code.OK);
            }
            assertThat(gateway.metric("goldilocks_dispatch_retries_total{model=\"math-specialist\",reason=\"failover\"}"))
                    .as("calls on the dead replica moved to the other one").isPositive();
        } finally {
            toDoomed.shutdownNow();
            doomed.close();
        }
    }

    /**
     * Replica choice follows the load: under steady load, samples where one replica holds all but at most one
     * of the math requests are rare (they were 43% when the choice used a load polled every two seconds).
     */
    @Test
    void twoChoicesSpreadTheLoadOverBothReplicas() throws Exception {
        WorkerServer second = secondSpecialistWorker();
        ManagedChannel toFirst = NettyChannelBuilder.forAddress("127.0.0.1", all.specialistWorkerPort()).usePlaintext().build();
        ManagedChannel toSecond = NettyChannelBuilder.forAddress("127.0.0.1", second.port()).usePlaintext().build();
        try (Replica gateway = gateway(admitting48(), survivor(), "127.0.0.1:" + second.port());
             Clients clients = new Clients(gateway, 12)) {
            int loaded = 0;
            int lopsided = 0;
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            while (loaded < 200 && System.nanoTime() < deadline) {
                int a = load(statusOf(toFirst));
                int b = load(statusOf(toSecond));
                if (a + b >= 8) {
                    loaded++;
                    lopsided += Math.min(a, b) <= 1 ? 1 : 0;
                }
            }
            assertThat(loaded).as("samples with at least 8 requests at the workers").isEqualTo(200);
            assertThat(lopsided).as("samples where one replica held all but at most one of %d", loaded)
                    .isLessThan(loaded / 10);
            assertThat(clients.outcomes.keySet()).containsOnly(Status.Code.OK);
        } finally {
            toFirst.shutdownNow();
            toSecond.shutdownNow();
            second.close();
        }
    }

    @Test
    void aReplicaWhoseModelIsSlowLosesItsTrafficAndGetsItBackWhenItRecovers() throws Exception {
        try (WorkerProxy slow = new WorkerProxy(all.specialistWorkerPort());
             Replica gateway = gateway(DispatchSettings.defaults().withBreaker(0.4, 10, 4, 2)
                     .withRefreshSeconds(0.5), survivor(), slow.address())) {
            slow.slowCompute(800);
            String open = "goldilocks_model_endpoints{model=\"math-specialist\",state=\"open\"}";
            for (int i = 0; i < 200 && gateway.metric(open) < 1; i++) {
                gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(i));
            }
            assertThat(gateway.metric(open)).as("the slow replica's breaker opened").isEqualTo(1);
            int callsWhileOpen = slow.calls();
            for (int i = 0; i < 20; i++) {
                gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(i));
            }
            assertThat(slow.calls()).as("no traffic while its breaker is open").isEqualTo(callsWhileOpen);

            slow.slowCompute(0); // recovered
            awaitTrue("its breaker lets trial calls through again", () -> metricQuietly(gateway, open) == 0);
            for (int i = 0; i < 200 && slow.calls() <= callsWhileOpen + 3; i++) {
                gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(i));
            }
            assertThat(slow.calls()).as("traffic came back to the recovered replica").isGreaterThan(callsWhileOpen + 3);
        }
    }

    @Test
    void aPoisonRequestFailsOnOneReplicaOnlyAndIsNotRetried() throws Exception {
        try (WorkerProxy a = new WorkerProxy(all.specialistWorkerPort());
             WorkerProxy b = new WorkerProxy(all.specialistWorkerPort());
             Replica gateway = gateway(DispatchSettings.defaults(), a.address(), b.address())) {
            a.poison("POISON");
            b.poison("POISON");
            assertThatThrownBy(() -> gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .generate(math(1).toBuilder().setPrompt("POISON 2 + 2").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                        assertThat(Failures.reason(e)).contains(ErrorReason.MODEL_FAILED);
                    });
            assertThat(a.calls() + b.calls()).as("the model failure was not tried on the other replica").isEqualTo(1);
            assertThat(gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(2)).getText())
                    .as("healthy requests are served").isNotBlank();
        }
    }

    @Test
    void whenEveryBreakerIsOpenATrialCallGoesThroughInsteadOfRefusingEverything() throws Exception {
        try (WorkerProxy a = new WorkerProxy(all.specialistWorkerPort());
             WorkerProxy b = new WorkerProxy(all.specialistWorkerPort());
             Replica gateway = gateway(DispatchSettings.defaults().withBreaker(30, 4, 2, 600), a.address(), b.address())) {
            a.poison("");
            b.poison(""); // every call fails as a broken model would
            String open = "goldilocks_model_endpoints{model=\"math-specialist\",state=\"open\"}";
            for (int i = 0; i < 100 && gateway.metric(open) < 2; i++) {
                try {
                    gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(i));
                } catch (StatusRuntimeException expected) {
                    // failing is the point
                }
            }
            assertThat(gateway.metric(open)).as("both breakers opened").isEqualTo(2);
            a.poison(null);
            b.poison(null); // recovered, long before the breakers' ten-minute wait is over

            assertThat(gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(3)).getText())
                    .as("a trial call went through and was served").isNotBlank();
            assertThat(gateway.metric("goldilocks_breaker_transitions_total{model=\"math-specialist\",state=\"half_open\"}"))
                    .isPositive();
        }
    }

    private static double metricQuietly(Replica gateway, String sample) {
        try {
            return gateway.metric(sample);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
