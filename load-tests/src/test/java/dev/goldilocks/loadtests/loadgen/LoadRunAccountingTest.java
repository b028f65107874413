package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every sent request is counted exactly once, in exactly one outcome, against a real gRPC server. */
class LoadRunAccountingTest {

    private static final List<String> SCRIPT = List.of("ok", "full", "bad", "plain", "hang", "ok", "final-only");

    private ScriptedGateway server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedGateway();
        channel = new LoopbackTarget("127.0.0.1", server.port()).channel(Optional.empty(), Optional.empty());
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    private static List<Prompt> prompts(int n) {
        List<Prompt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Prompt("p" + i, "math", SCRIPT.get(i % SCRIPT.size()), 3, Optional.empty()));
        }
        return out;
    }

    private static RequestShape shape(boolean stream, double deadlineSeconds) {
        return new RequestShape(stream, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), deadlineSeconds);
    }

    private static long count(List<Prompt> prompts, String kind) {
        return prompts.stream().filter(p -> p.text().equals(kind)).count();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void outstandingCallsAreCancelledAtTheEndAndEveryRequestIsCountedOnce(boolean stream) throws Exception {
        ArrivalSchedule schedule = ArrivalSchedule.poisson(200, 60, 35, 9);
        List<Prompt> prompts = prompts(schedule.size());
        // a long deadline and a shorter drain: the held calls are still outstanding when the run ends (the others
        // are answered in microseconds; the drain leaves them ample time on a slow machine)
        LoadRun.Records run = new LoadRun(channel, shape(stream, 120), 5).run(schedule, prompts);

        assertEveryRequestCountedOnce(run, schedule.size());
        StepResult result = StepResult.of("p", schedule, run, Slo.NONE);
        assertThat(result.outcomes()).isEqualTo(Map.of(
                "OK", count(prompts, "ok") + count(prompts, "final-only"),
                "RESOURCE_EXHAUSTED MODEL_QUEUE_FULL", count(prompts, "full"),
                "INVALID_ARGUMENT INVALID_FIELD", count(prompts, "bad"),
                "UNAVAILABLE", count(prompts, "plain"),
                "CANCELLED " + RequestRecord.OUTSTANDING_AT_END, count(prompts, "hang")));
        assertThat(result.outcomes().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(schedule.size());
        assertThat(result.exampleMessages()).containsEntry("RESOURCE_EXHAUSTED MODEL_QUEUE_FULL", "model m1: queue full")
                .containsEntry("INVALID_ARGUMENT INVALID_FIELD", "prompt: is bad").doesNotContainKey("OK");
        // nothing is left dangling: the server saw every held call cancelled
        awaitTrue(() -> server.cancelled() == count(prompts, "hang"));
        assertThat(server.received()).isEqualTo(schedule.size());

        // the split by route: successes under the route's model and policy, a queue-full under the model it names
        Map<String, Long> byRoute = result.routes().stream().collect(Collectors.toMap(
                r -> r.model() + "/" + r.policy(), StepResult.RouteSplit::requests));
        long ok = count(prompts, "ok") + count(prompts, "final-only");
        assertThat(byRoute).containsEntry("m1/p", ok).containsEntry("m1/(none)", count(prompts, "full"));
        assertThat(result.ok()).isEqualTo(ok);
        assertThat(result.costPer1kUsd()).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-9));
        for (RequestRecord r : run.all()) {
            if (r.ok()) {
                assertThat(r.completionTokens()).isEqualTo(3);
                assertThat(r.ttftNanos()).isBetween(0L, r.e2eNanos());
                assertThat(r.tpotNanos()).isNotNegative();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void callsPastTheirDeadlineAreCountedAsDeadlineExceeded(boolean stream) throws Exception {
        ArrivalSchedule schedule = ArrivalSchedule.poisson(200, 60, 21, 4);
        List<Prompt> prompts = prompts(schedule.size());
        // a short deadline and a long drain: every held call ends by its deadline before the run gives up
        LoadRun.Records run = new LoadRun(channel, shape(stream, 2), 60).run(schedule, prompts);

        assertEveryRequestCountedOnce(run, schedule.size());
        StepResult result = StepResult.of("p", schedule, run, Slo.NONE);
        assertThat(result.outcomes()).containsEntry("DEADLINE_EXCEEDED", count(prompts, "hang"))
                .doesNotContainKey("CANCELLED " + RequestRecord.OUTSTANDING_AT_END);
    }

    private static void assertEveryRequestCountedOnce(LoadRun.Records run, int scheduled) {
        assertThat(run.all()).hasSize(scheduled);
        assertThat(run.all().stream().map(RequestRecord::index)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, scheduled).boxed().toList());
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 30 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
