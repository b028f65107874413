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
                // the server answers its j-th call only once 2j calls have arrived, so not before the load
                // generator sent its 2j-th call, which it does not do before that call's intended time: so the
                // j-th call to complete completes no earlier than the intended time of call 2j - 1. This holds
                // whichever calls the server answered in which order (a count, not call indices, which a loaded
                // machine can reorder by a few places between sending and the server's handlers). A generator
                // that timed calls from when it sent them would report completions early by its send lag.
                List<Long> completions = run.all().stream().map(r -> r.intendedNanos() + r.e2eNanos()).sorted().toList();
                for (int j = 1; j < n / 2; j++) {
                    assertThat(completions.get(j - 1)).as("completion %d", j).isGreaterThanOrEqualTo(
                            schedule.offsetNanos(2 * j - 1));
                }
                // and the wait grows with the intended send time: calls sent later waited longer than the run's
                // first requests ever could have
                long firstGap = schedule.offsetNanos(1) - schedule.offsetNanos(0);
                List<RequestRecord> byIndex = run.all().stream()
                        .sorted(java.util.Comparator.comparingInt(RequestRecord::index)).toList();
                long laterHalfMedian = byIndex.subList(n / 4, n / 2).stream().mapToLong(RequestRecord::e2eNanos)
                        .sorted().skip(n / 8).findFirst().orElseThrow();
                assertThat(laterHalfMedian).isGreaterThan(firstGap);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
