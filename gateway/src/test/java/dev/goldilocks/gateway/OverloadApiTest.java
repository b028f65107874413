package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Overload: past the limits calls are refused at once with RESOURCE_EXHAUSTED saying which limit and when
 * to retry, before any work is done for them; the worker's queue stays as short as the limit; a busy but
 * healthy worker keeps its breaker closed, and once the load stops calls succeed at once. Each test holds
 * or slows the worker through a proxy, so what it checks does not depend on the machine's speed.
 */
class OverloadApiTest {

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

    /** A gateway whose generic model is served through {@code generic} and its specialists through {@code specialists}. */
    private static GatewayConfig config(WorkerProxy generic, WorkerProxy specialists, DispatchSettings dispatch, int maxInFlight) {
        List<ModelRoute> models = all.gatewayConfig().models().stream().map(m -> new ModelRoute(m.name(), m.role(),
                m.domain(), List.of((m.role().equals("generic") ? generic : specialists).address()), m.price(), m.prior()))
                .toList();
        return all.gatewayConfig().withModels(models).withDispatch(dispatch).withMetricsPort(0)
                .withLimits(new Limits(32 * 1024, 256, 4096, 256, maxInFlight));
    }

    private static GenerateRequest ask(String model, String hint) {
        return GenerateRequest.newBuilder().setPrompt("The court held that").setModel(model).setDomainHint(hint)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(6).setTemperature(0)).build();
    }

    /** Starts a unary call; the future holds its status once it ends. */
    private static CompletableFuture<Status> start(Replica gateway, GenerateRequest request) {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        gateway.async().withDeadlineAfter(120, TimeUnit.SECONDS).generate(request, new StreamObserver<>() {
            @Override
            public void onNext(GenerateResponse r) {
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        return ended;
    }

    private static StatusRuntimeException refusal(Replica gateway, GenerateRequest request) {
        try {
            gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(request);
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call was admitted");
    }

    private static void awaitRunning(WorkerProxy proxy, int calls) throws InterruptedException {
        Eventually.until(calls + " calls reach the worker", () -> proxy.running() >= calls);
    }

    @Test
    void pastEachLimitACallIsRefusedAtOnceWithItsReasonAndNeverReachesAWorker() throws Exception {
        try (WorkerProxy generic = new WorkerProxy(all.genericWorkerPort());
             WorkerProxy specialists = new WorkerProxy(all.specialistWorkerPort());
             Replica gateway = new Replica(config(generic, specialists,
                     DispatchSettings.defaults().withModelLimit(ModelLimitSettings.fixed(1)), 5))) {
            generic.hold();
            specialists.hold();
            List<CompletableFuture<Status>> held = new ArrayList<>();
            held.add(start(gateway, ask("generic", "")));
            awaitRunning(generic, 1);

            StatusRuntimeException model = refusal(gateway, ask("generic", ""));
            assertThat(model.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Failures.reason(model)).contains(ErrorReason.MODEL_OVERLOADED);
            assertThat(model.getStatus().getDescription()).startsWith("model generic: 1 calls in flight");
            assertThat(retryDelaySeconds(model)).isPositive();

            for (String domain : List.of("code", "legal", "math")) {
                held.add(start(gateway, ask("", domain)));
            }
            awaitRunning(specialists, 3);
            StatusRuntimeException door = refusal(gateway, ask("", "").toBuilder().setPrompt("Any prompt at all").build());
            assertThat(Failures.reason(door)).as("refused at the door, before its prompt was classified")
                    .contains(ErrorReason.GATEWAY_OVERLOADED);
            assertThat(door.getStatus().getDescription()).contains("every model is at its concurrency limit");

            generic.release();
            specialists.release();
            for (CompletableFuture<Status> call : held) {
                assertThat(call.get(120, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
            }
            assertThat(generic.calls() + specialists.calls()).as("refused calls never reached a worker").isEqualTo(4);
        }
    }

    @Test
    void pastTheGatewaysInFlightBoundCallsAreRefusedAtTheDoor() throws Exception {
        try (WorkerProxy generic = new WorkerProxy(all.genericWorkerPort());
             WorkerProxy specialists = new WorkerProxy(all.specialistWorkerPort());
             Replica gateway = new Replica(config(generic, specialists, DispatchSettings.defaults(), 2))) {
            generic.hold();
            List<CompletableFuture<Status>> held = List.of(start(gateway, ask("generic", "")),
                    start(gateway, ask("generic", "")));
            awaitRunning(generic, 2);
            StatusRuntimeException door = refusal(gateway, ask("", "math"));
            assertThat(door.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Failures.reason(door)).contains(ErrorReason.GATEWAY_OVERLOADED);
            assertThat(door.getStatus().getDescription()).contains("2 calls in flight");
            generic.release();
            for (CompletableFuture<Status> call : held) {
                assertThat(call.get(120, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
            }
            assertThat(specialists.calls()).isZero();
            assertThat(gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(ask("", "math")).getRoute()
                    .getModel()).as("served once calls in flight ended").isEqualTo("math-specialist");
        }
    }

    /**
     * Sixteen clients against a generic model whose every call waits 2.5 s as behind a long queue (the breaker
     * calls 2 s slow), with room for four: calls are refused, never failed; the worker never holds more than
     * the limit; the breaker, which judges the worker's compute time and not the wait, stays closed; and the
     * first call after the load stops is served.
     */
    @Test
    void overloadOfABusyButHealthyWorkerIsShedAndOnceItStopsCallsSucceedAtOnce() throws Exception {
        int limit = 4;
        DispatchSettings dispatch = DispatchSettings.defaults().withBreaker(2, 4, 2, 30)
                .withModelLimit(new ModelLimitSettings(ModelLimitSettings.GRADIENT2, limit, 1, limit));
        try (WorkerProxy generic = new WorkerProxy(all.genericWorkerPort());
             WorkerProxy specialists = new WorkerProxy(all.specialistWorkerPort());
             Replica gateway = new Replica(config(generic, specialists, dispatch, 256))) {
            generic.delay(2500);
            Map<Status.Code, Integer> outcomes = new ConcurrentHashMap<>();
            Map<ErrorReason, Integer> reasons = new ConcurrentHashMap<>();
            AtomicInteger served = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            for (int c = 0; c < 16; c++) {
                clients.execute(() -> {
                    while (!stop.get()) {
                        try {
                            gateway.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).generate(ask("generic", ""));
                            outcomes.merge(Status.Code.OK, 1, Integer::sum);
                            if (served.incrementAndGet() >= 8) {
                                stop.set(true);
                            }
                        } catch (StatusRuntimeException e) {
                            outcomes.merge(e.getStatus().getCode(), 1, Integer::sum);
                            Failures.reason(e).ifPresent(r -> reasons.merge(r, 1, Integer::sum));
                            sleepQuietly(5); // a client's minimal backoff
                        }
                    }
                });
            }
            clients.shutdown();
            assertThat(clients.awaitTermination(300, TimeUnit.SECONDS)).isTrue();
            generic.delay(0); // the load has stopped: nothing waits any more

            assertThat(outcomes.keySet()).as("outcomes %s", outcomes)
                    .containsOnly(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
            assertThat(reasons.keySet()).containsOnly(ErrorReason.MODEL_OVERLOADED);
            assertThat(generic.mostRunning()).as("calls at the worker at once, against a limit of %d", limit)
                    .isLessThanOrEqualTo(limit);
            assertThat(gateway.metric("goldilocks_breaker_transitions_total{model=\"generic\",state=\"open\"}"))
                    .as("a busy worker is not a broken one").isZero();
            assertThat(gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(ask("generic", ""))
                    .getUsage().getPromptTokens()).as("the first call after the load is served").isPositive();
            assertThat(gateway.metric("goldilocks_load_shed_total{model=\"generic\",reason=\"model_overloaded\"}"))
                    .isEqualTo(outcomes.get(Status.Code.RESOURCE_EXHAUSTED).doubleValue());
        }
    }

    private static double retryDelaySeconds(StatusRuntimeException e) throws Exception {
        for (com.google.protobuf.Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
            if (detail.is(RetryInfo.class)) {
                com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
                return d.getSeconds() + d.getNanos() / 1e9;
            }
        }
        return 0;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
