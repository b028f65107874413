package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Load shedding: past the in-flight bound a call is refused at once, and every call ends with one status. */
class OverloadApiTest {

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
            assertThat(gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(slow).getText()).isNotNull();
        }
    }
}
