package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.grpc.StatusRuntimeException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Load shedding: past the in-flight bound a call is refused at once, and every call ends with one status. */
class OverloadApiTest {

    private static final int IN_FLIGHT = 2;
    private static final int CLIENTS = 16;
    private static final long LOAD_NANOS = TimeUnit.SECONDS.toNanos(6);

    /**
     * Sixteen clients in closed loops against room for two: the refused are refused at once, the accepted
     * stay about as fast as a lone request (the queue does not grow behind them), and the heap does not grow.
     */
    @Test
    void sustainedOverloadKeepsAcceptedLatencyAndHeapBounded() throws Exception {
        try (AllInOne all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, 0);
             Replica gateway = new Replica(all.gatewayConfig().withLimits(new Limits(32 * 1024, 256, 4096, 256,
                     IN_FLIGHT)))) {
            GenerateRequest request = GenerateRequest.newBuilder().setPrompt("The court held that").setModel("generic")
                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(24).setTemperature(0)).build();
            long alone = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long sent = System.nanoTime();
                gateway.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).generate(request);
                alone = Math.min(alone, System.nanoTime() - sent);
            }
            long heapBefore = usedHeapAfterGc();
            List<Long> accepted = Collections.synchronizedList(new ArrayList<>());
            List<Long> refused = Collections.synchronizedList(new ArrayList<>());
            Map<Status.Code, Integer> other = new ConcurrentHashMap<>();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            long end = System.nanoTime() + LOAD_NANOS;
            for (int c = 0; c < CLIENTS; c++) {
                clients.execute(() -> {
                    while (System.nanoTime() < end) {
                        long sent = System.nanoTime();
                        try {
                            gateway.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).generate(request);
                            accepted.add(System.nanoTime() - sent);
                        } catch (StatusRuntimeException e) {
                            if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                                refused.add(System.nanoTime() - sent);
                                sleepQuietly(5); // a client's minimal backoff; without it the test only measures spinning
                            } else {
                                other.merge(e.getStatus().getCode(), 1, Integer::sum);
                            }
                        }
                    }
                });
            }
            clients.shutdown();
            assertThat(clients.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
            long heapAfter = usedHeapAfterGc();

            assertThat(other).as("only OK and RESOURCE_EXHAUSTED").isEmpty();
            assertThat(refused.size()).as("overload really was several times capacity").isGreaterThan(accepted.size());
            assertThat(accepted.size()).as("the gateway kept serving").isGreaterThanOrEqualTo(4);
            assertThat(percentile(refused, 0.99)).as("refusals are early").isLessThan(TimeUnit.MILLISECONDS.toNanos(250));
            assertThat(percentile(accepted, 0.99)).as("accepted p99 against a lone request of %d ms", alone / 1_000_000)
                    .isLessThan(6 * alone + TimeUnit.MILLISECONDS.toNanos(500));
            assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(64L << 20);
        }
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void pastTheInFlightBoundCallsAreRefusedAtOnceAndNoneIsLost() throws Exception {
        try (AllInOne all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, 0);
             Replica gateway = new Replica(all.gatewayConfig().withLimits(new Limits(32 * 1024, 256, 4096, 256, 2)))) {
            int calls = 12;
            GenerateRequest slow = GenerateRequest.newBuilder().setPrompt("Once upon a time").setModel("generic")
                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(120).setTemperature(1).setSeed(5)).build();
            Map<Status.Code, Integer> outcomes = new ConcurrentHashMap<>();
            AtomicLong slowestRefusalNanos = new AtomicLong();
            CountDownLatch done = new CountDownLatch(calls);
            for (int i = 0; i < calls; i++) {
                long sent = System.nanoTime();
                gateway.async().withDeadlineAfter(60, TimeUnit.SECONDS).generate(slow, new StreamObserver<>() {
                    @Override
                    public void onNext(GenerateResponse r) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status.Code code = Status.fromThrowable(t).getCode();
                        outcomes.merge(code, 1, Integer::sum);
                        if (code == Status.Code.RESOURCE_EXHAUSTED) {
                            slowestRefusalNanos.accumulateAndGet(System.nanoTime() - sent, Math::max);
                        }
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        outcomes.merge(Status.Code.OK, 1, Integer::sum);
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(120, TimeUnit.SECONDS)).as("every call ended").isTrue();
            assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(calls);
            assertThat(outcomes.keySet()).containsOnly(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
            assertThat(outcomes.get(Status.Code.OK)).isGreaterThanOrEqualTo(2);
            assertThat(outcomes.get(Status.Code.RESOURCE_EXHAUSTED)).isGreaterThanOrEqualTo(calls - 4);
            assertThat(slowestRefusalNanos.get()).as("refused early, not after waiting")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
            assertThat(gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(slow).getFinishReason())
                    .as("served to its end after the overload").isIn(dev.goldilocks.proto.v1.FinishReason.FINISH_REASON_LENGTH,
                            dev.goldilocks.proto.v1.FinishReason.FINISH_REASON_END_OF_TEXT);
        }
    }
}
