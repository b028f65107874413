package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas of the specialists' worker behind one gateway: a crash and a slow replica, with clients unharmed. */
class FailoverApiTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static AllInOne all;

    @BeforeAll
    static void start() throws Exception {
        all = AllInOne.start(MODELS, "127.0.0.1", 0, -1);
    }

    @AfterAll
    static void stop() {
        all.close();
    }

    private static List<ModelRoute> specialistsAt(String... endpoints) {
        return all.gatewayConfig().models().stream().map(m -> m.role().equals("specialist")
                ? new ModelRoute(m.name(), m.role(), m.domain(), List.of(endpoints), m.price(), m.prior()) : m).toList();
    }

    private static WorkerServer secondSpecialistWorker() throws Exception {
        List<ModelConfig> specialists = new ArrayList<>();
        for (String name : List.of("code-specialist", "legal-specialist", "math-specialist")) {
            specialists.add(new ModelConfig(name, ModelConfig.CAUSAL_LM, MODELS.resolve(name), "cpu", 1, 2, 64, 256));
        }
        return WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, 64, specialists, -1));
    }

    private static GenerateRequest math(int i) {
        return GenerateRequest.newBuilder().setPrompt("What is " + (i % 90) + " + 4?").setDomainHint("math")
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(4)).build();
    }

    @Test
    void killingOneOfTwoReplicasUnderSteadyLoadFailsNoClientRequest() throws Exception {
        WorkerServer doomed = secondSpecialistWorker();
        String survivor = "127.0.0.1:" + all.specialistWorkerPort();
        try (Replica gateway = new Replica(all.gatewayConfig().withModels(
                specialistsAt(survivor, "127.0.0.1:" + doomed.port())))) {
            Map<Status.Code, Integer> outcomes = new ConcurrentHashMap<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                running.add(clients.submit(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        try {
                            gateway.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).generate(math(i));
                            outcomes.merge(Status.Code.OK, 1, Integer::sum);
                        } catch (StatusRuntimeException e) {
                            outcomes.merge(e.getStatus().getCode(), 1, Integer::sum);
                        }
                    }
                }));
            }
            Thread.sleep(1500);
            doomed.abort(); // as a crash: calls in flight on it fail, its port closes
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertThat(outcomes.keySet()).as("outcomes %s", outcomes).containsOnly(Status.Code.OK);
            assertThat(outcomes.get(Status.Code.OK)).isGreaterThan(20);
        } finally {
            doomed.close();
        }
    }

    @Test
    void aSlowReplicasBreakerOpensTrafficMovesAndItComesBackAfterRecovery() throws Exception {
        try (SlowWorker slow = new SlowWorker(all.specialistWorkerPort(), 800);
             Replica gateway = new Replica(all.gatewayConfig()
                     .withModels(specialistsAt("127.0.0.1:" + all.specialistWorkerPort(), "127.0.0.1:" + slow.port()))
                     .withDispatch(new DispatchSettings(50, 0.4, 10, 4, 2, 2, 0.1, 64, 0.5)))) {
            for (int i = 0; i < 30; i++) {
                gateway.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).generate(math(i));
            }
            int slowCallsWhileOpen = slow.calls();
            long slowest = 0;
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                gateway.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).generate(math(i));
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            assertThat(slow.calls()).as("the slow replica's breaker is open: no traffic").isEqualTo(slowCallsWhileOpen);
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).isLessThan(800);

            slow.delay(0); // recovered
            Thread.sleep(2500); // past the open period: the breaker lets trial calls through
            for (int i = 0; i < 30; i++) {
                gateway.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).generate(math(i));
            }
            assertThat(slow.calls()).as("traffic came back to the recovered replica").isGreaterThan(slowCallsWhileOpen + 3);
        }
    }
}
