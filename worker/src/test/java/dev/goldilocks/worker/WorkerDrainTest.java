package dev.goldilocks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.goldilocks.common.grpc.DrainSettings;
import dev.goldilocks.common.grpc.ServingProcess;
import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.worker.RecordedStream.Outcome;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What SIGTERM runs on a worker, through its real gRPC API: a drain under load never crashes and every call
 * ends OK or with a documented status; what the grace period leaves ends with UNAVAILABLE and reason
 * SHUTTING_DOWN; the pre-stop period reports NOT_SERVING while still serving; an open health Watch does
 * not hold the drain.
 */
class WorkerDrainTest {

    private static final String MATH = "math-specialist";
    /** Greedy decoding of this prompt runs to the length limit on the generic model (no end of text). */
    private static final String LONG_PROMPT = "Once upon a time";
    private static final int LONG = 200;

    private static WorkerConfig config(String model, int maxConcurrent, DrainSettings drain) {
        ModelConfig demo = DemoModels.config(model);
        ModelConfig m = new ModelConfig(demo.name(), demo.kind(), demo.path(), "cpu", 1, maxConcurrent, 16, 256);
        return new WorkerConfig("127.0.0.1", 0, 4 << 20, 32, List.of(m), -1).withDrain(drain);
    }

    private static ManagedChannel channel(WorkerServer worker) {
        return NettyChannelBuilder.forAddress("127.0.0.1", worker.port()).usePlaintext().build();
    }

    private static WorkerGenerateRequest request(String model, String prompt, GenerationParams.Builder params) {
        return WorkerGenerateRequest.newBuilder().setModel(model).setPrompt(prompt).setParams(params).build();
    }

    private static RecordedStream generate(ManagedChannel channel, WorkerGenerateRequest request, boolean manual) {
        RecordedStream stream = new RecordedStream(manual);
        WorkerGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS).generate(request, stream);
        return stream;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aDrainUnderLoadTwentyTimesOverEndsEveryCallOkOrWithADocumentedStatus() throws Exception {
        Map<Outcome, Integer> total = new EnumMap<>(Outcome.class);
        int clients = 4;
        for (int round = 0; round < 20; round++) {
            // even rounds: no grace, what runs is cancelled; odd rounds: calls in flight may finish
            DrainSettings drain = new DrainSettings(Duration.ZERO, Duration.ofSeconds(round % 2 == 0 ? 0 : 60));
            WorkerServer worker = WorkerServer.start(config(MATH, 2, drain));
            ManagedChannel channel = channel(worker);
            AtomicLong drainBegan = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean drained = new AtomicBoolean();
            CountDownLatch drainEnded = new CountDownLatch(1);
            List<String> unexpected = new CopyOnWriteArrayList<>();
            List<Outcome> before = new CopyOnWriteArrayList<>(); // calls the server had answered before the drain began
            List<Outcome> during = new CopyOnWriteArrayList<>();
            List<Outcome> after = new CopyOnWriteArrayList<>();  // one per client, once the drain has ended
            List<CompletableFuture<Void>> load = new ArrayList<>();
            int seed = round * 100;
            try {
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    load.add(CompletableFuture.runAsync(() -> {
                        for (int i = 0; ; i++) {
                            boolean afterTheDrain = drained.get();
                            RecordedStream s = generate(channel, request(MATH, "What is " + (client + i) + " + 7?",
                                    GenerationParams.newBuilder().setMaxNewTokens(8).setTemperature(1)
                                            .setSeed(seed + client * 10 + i)), false);
                            Outcome outcome;
                            try {
                                outcome = s.outcome();
                                // a call sent just before the drain may reach the port after it closed: only
                                // one that ended, or that the server had answered, before the drain began is
                                // surely "before" it
                                long began = drainBegan.get();
                                List<Outcome> when = afterTheDrain ? after
                                        : began == Long.MAX_VALUE || s.answeredBefore(began) ? before : during;
                                when.add(outcome);
                                if (outcome == Outcome.OTHER) {
                                    unexpected.add(s.status() + ", last chunk: " + s.finalChunk());
                                }
                                if (when == during && outcome == Outcome.REFUSED) {
                                    drainEnded.await(); // the port is closed: one more call once the drain ended
                                }
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                            if (afterTheDrain) {
                                return;
                            }
                        }
                    }));
                }
                await(() -> before.size() >= 2 * clients, "load established");
                drainBegan.set(System.nanoTime());
                worker.close();
                drained.set(true);
                drainEnded.countDown();
                CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } finally {
                channel.shutdownNow();
                worker.close();
            }
            assertThat(unexpected).as("calls that ended otherwise").isEmpty();
            assertThat(before).as("calls started before the drain: finished, or ended by it")
                    .doesNotContain(Outcome.OTHER, Outcome.REFUSED);
            assertThat(during).as("calls started during the drain: finished, ended by it, or refused")
                    .doesNotContain(Outcome.OTHER);
            assertThat(after).as("calls after the drain are refused").hasSize(clients).containsOnly(Outcome.REFUSED);
            if (round % 2 == 1) {
                assertThat(before).as("with a grace period, calls in flight finish").containsOnly(Outcome.FINISHED);
            }
            for (List<Outcome> outcomes : List.of(before, during, after)) {
                outcomes.forEach(o -> total.merge(o, 1, Integer::sum));
            }
        }
        LoggerFactory.getLogger(WorkerDrainTest.class).info("20 drains under load; calls by outcome: {}", total);
        assertThat(total.get(Outcome.FINISHED)).isGreaterThanOrEqualTo(20 * 2 * clients);
        assertThat(total.get(Outcome.REFUSED)).isGreaterThanOrEqualTo(20 * clients);
    }

    @Test
    void callsLeftWhenTheGraceEndsGetShuttingDownAndTheDrainCountsThem() throws Exception {
        ListAppender<ILoggingEvent> log = capture();
        PrometheusMeterRegistry registry = MetricsEndpoint.newRegistry();
        // one sequence at a time: a stream whose client stopped reading holds it, a second one waits in the queue
        WorkerServer worker = WorkerServer.start(config(DemoModels.GENERIC, 1,
                new DrainSettings(Duration.ZERO, Duration.ZERO)), registry);
        ManagedChannel slowReader = NettyChannelBuilder.forAddress("127.0.0.1", worker.port()).usePlaintext()
                .flowControlWindow(1024).build();
        ManagedChannel channel = channel(worker);
        try {
            GenerationParams.Builder greedy = GenerationParams.newBuilder().setMaxNewTokens(LONG);
            RecordedStream stalled = generate(slowReader, request(DemoModels.GENERIC, LONG_PROMPT, greedy), true);
            await(() -> gauge(registry, "goldilocks.worker.sequences.paused") == 1, "the stalled sequence sits out");
            RecordedStream queued = generate(channel, request(DemoModels.GENERIC, LONG_PROMPT, greedy), false);
            await(() -> gauge(registry, "goldilocks.worker.queue.length") == 1, "the second call is queued");

            CompletableFuture<Void> drain = CompletableFuture.runAsync(worker::close);
            assertThat(queued.outcome()).as(queued.status()).isEqualTo(Outcome.SHUTTING_DOWN);
            stalled.readAll(); // its status waits behind the text it did not read
            assertThat(stalled.outcome()).as(stalled.status()).isEqualTo(Outcome.SHUTTING_DOWN);
            assertThat(stalled.chunks()).as("the text generated before it stopped reading").isNotEmpty();
            drain.get(120, TimeUnit.SECONDS);
        } finally {
            slowReader.shutdownNow();
            channel.shutdownNow();
            worker.close();
            release(log);
        }
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).startsWith("worker drain begins").contains("2 calls in flight"))
                .anySatisfy(m -> assertThat(m).startsWith("worker drain ended")
                        .contains("0 calls finished, 2 cancelled"));
    }

    @Test
    void duringThePreStopPeriodHealthIsNotServingWhileNewCallsAreStillServed() throws Exception {
        WorkerServer worker = WorkerServer.start(config(MATH, 2,
                new DrainSettings(Duration.ofMinutes(10), Duration.ofSeconds(60))));
        ManagedChannel channel = channel(worker);
        Thread drain = new Thread(worker::close, "test-drain");
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            assertThat(check(health)).isEqualTo(ServingStatus.SERVING);
            drain.start();
            await(() -> check(health) == ServingStatus.NOT_SERVING, "health turns NOT_SERVING");
            RecordedStream call = generate(channel, request(MATH, "What is 2 + 3?",
                    GenerationParams.newBuilder().setMaxNewTokens(4)), false);
            assertThat(call.outcome()).as("a new call during the pre-stop period: " + call.status())
                    .isEqualTo(Outcome.FINISHED);
            assertThat(drain.isAlive()).as("still in the pre-stop period").isTrue();
            drain.interrupt(); // a second SIGTERM: stop waiting
            drain.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(drain.isAlive()).as("the hurried drain ended").isFalse();
            RecordedStream refused = generate(channel, request(MATH, "What is 2 + 3?",
                    GenerationParams.newBuilder().setMaxNewTokens(4)), false);
            assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
        } finally {
            channel.shutdownNow();
            drain.interrupt();
            worker.close();
        }
    }

    @Test
    void anOpenHealthWatchDoesNotHoldTheDrain() throws Exception {
        WorkerServer worker = WorkerServer.start(config(MATH, 2,
                new DrainSettings(Duration.ZERO, Duration.ofMinutes(10))));
        ManagedChannel channel = channel(worker);
        List<ServingStatus> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> watchEnded = new CompletableFuture<>();
        try {
            HealthGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES).watch(
                    HealthCheckRequest.newBuilder().setService(WorkerGrpc.SERVICE_NAME).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(HealthCheckResponse r) {
                            seen.add(r.getStatus());
                        }

                        @Override
                        public void onError(Throwable t) {
                            watchEnded.complete(t);
                        }

                        @Override
                        public void onCompleted() {
                            watchEnded.complete(null);
                        }
                    });
            await(() -> seen.contains(ServingStatus.SERVING), "the watch sees SERVING");
            CompletableFuture<Void> drain = CompletableFuture.runAsync(worker::close);
            // the watch's deadline and the grace period are ten minutes; the drain must not wait for either
            drain.get(60, TimeUnit.SECONDS);
            assertThat(watchEnded.get(60, TimeUnit.SECONDS)).isInstanceOf(StatusRuntimeException.class);
            assertThat(seen).contains(ServingStatus.NOT_SERVING);
        } finally {
            channel.shutdownNow();
            worker.close();
        }
    }

    private static ServingStatus check(HealthGrpc.HealthBlockingStub health) {
        try {
            return health.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder()
                    .setService(WorkerGrpc.SERVICE_NAME).build()).getStatus();
        } catch (StatusRuntimeException e) {
            return ServingStatus.UNKNOWN;
        }
    }

    static double gauge(PrometheusMeterRegistry registry, String name) {
        var gauge = registry.find(name).tag("model", DemoModels.GENERIC).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(ServingProcess.class)).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(ServingProcess.class)).detachAppender(appender);
    }
}
