package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sending never waits for answers, and latency counts from the intended send time, so a server that falls
 * behind shows its queue in the latencies instead of slowing the load generator down (coordinated omission).
 */
class OpenLoopTest {

    /** How many places a call's arrival may move from its place in the schedule. */
    private static final int REORDER = 4;

    @Test
    void aServerThatFallsBehindShowsLatencyGrowingWithIntendedSendTimes() throws Exception {
        int n = 60;
        ArrivalSchedule schedule = ArrivalSchedule.poisson(100, 60, n, 21);
        List<Prompt> prompts = Collections.nCopies(n, new Prompt("p", "math", "hello", 3, Optional.empty()));
        try (HalfSpeedGateway server = new HalfSpeedGateway(n)) {
            ManagedChannel channel = new LoopbackTarget("127.0.0.1", server.port()).channel(Optional.empty(), Optional.empty());
            try {
                RequestShape unary = new RequestShape(false, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), 120);
                LoadRun.Records run = new LoadRun(channel, unary, 120).run(schedule, prompts);

                // a client that waited for answers would have stalled at the second request: the server holds
                // calls until later ones arrive
                assertThat(run.all()).allMatch(RequestRecord::ok);
                assertThat(server.maxHeld()).isGreaterThanOrEqualTo(n / 2);
                // call k is answered only once call 2k has arrived, which is not before 2k's intended send time:
                // its latency, counted from its own intended time, holds the whole wait in the queue. The server
                // counts arrivals in the order its handlers start, which can differ from the order of sending by a
                // few calls when sends bunch up on a loaded machine (seen once in a full run: call 25 answered
                // 14 ms early), so the bound is taken REORDER arrivals earlier.
                List<RequestRecord> byIndex = run.all().stream()
                        .sorted(java.util.Comparator.comparingInt(RequestRecord::index)).toList();
                for (int k = 1; k < n / 2; k++) {
                    long queued = schedule.offsetNanos(Math.max(k - 1, 2 * k - 1 - REORDER)) - schedule.offsetNanos(k - 1);
                    assertThat(byIndex.get(k - 1).e2eNanos()).as("request %d", k - 1).isGreaterThanOrEqualTo(queued);
                }
                // and that wait grows with the intended send time: the later half waited longer than the run's
                // first requests ever could have
                long firstGap = schedule.offsetNanos(1) - schedule.offsetNanos(0);
                assertThat(byIndex.get(n / 2 - 2).e2eNanos())
                        .isGreaterThanOrEqualTo(schedule.offsetNanos(n - 3 - REORDER) - schedule.offsetNanos(n / 2 - 2))
                        .isGreaterThan(firstGap);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
