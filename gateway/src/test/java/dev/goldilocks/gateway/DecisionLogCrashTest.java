package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.proto.v1.DecisionLogRow;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.store.DecisionLogSettings;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's crash test: `goldilocks serve` in a JVM of its own is killed with SIGKILL (Process.destroyForcibly)
 * while clients are being answered, then started again on the same data directory. Every request the clients saw
 * answered must have its row, except those answered in the last moments before the kill: the writer commits a
 * batch when it has batch_size rows or {@code flush_interval_ms} after its first row (200 ms by default), so a
 * kill loses at most the rows of the batch still being gathered or written. The test allows rows answered within
 * flush_interval_ms + {@link #SLACK} of the kill to be missing (the slack covers the batch's write and the
 * scheduling of a loaded machine) and counts how many are.
 */
class DecisionLogCrashTest {

    private static final Pattern GATEWAY_LINE = Pattern.compile("gateway \\(public API\\): (\\S+):(\\d+)");
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final int CLIENTS = 4;
    private static final int ANSWERED_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    void aKilledAllInOneLosesAtMostItsLastUnflushedBatch() throws Exception {
        Path data = dir.resolve("data");
        Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        long killedAt;
        Process first = start(data, dir.resolve("first.log"));
        try {
            int port = awaitServing(first, dir.resolve("first.log"));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            CountDownLatch enough = new CountDownLatch(ANSWERED_BEFORE_KILL);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread t = new Thread(() -> load(GoldilocksGrpc.newBlockingStub(channel), client, answeredAt, enough));
                t.start();
                clients.add(t);
            }
            assertThat(enough.await(5, TimeUnit.MINUTES)).as("answers before the kill").isTrue();
            first.destroyForcibly(); // SIGKILL: no drain, no close, no flush
            killedAt = System.nanoTime();
            first.waitFor(60, TimeUnit.SECONDS);
            for (Thread t : clients) {
                t.join(TimeUnit.MINUTES.toMillis(1));
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } finally {
            first.destroyForcibly();
        }

        Process second = start(data, dir.resolve("second.log"));
        Set<String> logged;
        try {
            int port = awaitServing(second, dir.resolve("second.log"));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            logged = LoggedDecisions.latest(channel, 1000).stream().map(DecisionLogRow::getRequestId)
                    .collect(Collectors.toSet());
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
            second.destroyForcibly();
        }

        long window = DecisionLogSettings.defaults().flushInterval().plus(SLACK).toNanos();
        List<String> missing = answeredAt.keySet().stream().filter(id -> !logged.contains(id)).toList();
        List<String> missingOld = missing.stream().filter(id -> answeredAt.get(id) < killedAt - window).toList();
        long lastWindow = answeredAt.values().stream().filter(t -> t >= killedAt - window).count();
        System.out.printf("crash: %d requests answered before SIGKILL, %d logged after the restart, %d missing,"
                + " all answered within the last %d ms (%d answers fell in that window)%n", answeredAt.size(),
                answeredAt.size() - missing.size(), missing.size(), TimeUnit.NANOSECONDS.toMillis(window), lastWindow);
        assertThat(answeredAt.size()).isLessThanOrEqualTo(1000); // LogTail reads at most 1000 rows
        assertThat(missingOld).as("rows of requests answered well before the kill").isEmpty();
        assertThat(missing.size()).isLessThanOrEqualTo((int) lastWindow);
    }

    /** `goldilocks serve` in a JVM of its own on the test's class path, its output to {@code log}. */
    private static Process start(Path data, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path models = Path.of(System.getProperty("goldilocks.models", "../models")).toAbsolutePath();
        return new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.goldilocks.gateway.cli.Main", "serve", "--models", models.toString(), "--host", "127.0.0.1",
                "--port", "0", "--metrics-port", "-1", "--probes-per-second", "0", "--data-dir", data.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The gateway's port once `serve` printed it and health says SERVING. */
    private static int awaitServing(Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            assertThat(process.isAlive()).as("serve is running; its output:%n%s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("serve starting; its output:%n%s", Files.readString(log))
                    .isLessThan(deadline);
            Matcher m = GATEWAY_LINE.matcher(Files.readString(log));
            if (m.find()) {
                int port = Integer.parseInt(m.group(2));
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
                try {
                    if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus()
                            == HealthCheckResponse.ServingStatus.SERVING) {
                        return port;
                    }
                } catch (StatusRuntimeException notYet) {
                    // not listening yet
                } finally {
                    channel.shutdownNow();
                }
            }
            // how often to look again while the process starts, not a guess at when it is ready
            Thread.sleep(50);
        }
    }

    /** Sends requests until the gateway goes away, noting when each answer arrived. */
    private static void load(GoldilocksGrpc.GoldilocksBlockingStub gateway, int client, Map<String, Long> answeredAt,
                             CountDownLatch enough) {
        for (int i = 0; ; i++) {
            try {
                GenerateResponse r = gateway.withDeadlineAfter(60, TimeUnit.SECONDS).generate(GenerateRequest
                        .newBuilder().setPrompt("What is " + client + " + " + i + "?").setDomainHint("math")
                        .setParams(GenerationParams.newBuilder().setMaxNewTokens(4)).build());
                answeredAt.put(r.getRequestId(), System.nanoTime());
                enough.countDown();
            } catch (StatusRuntimeException gone) {
                return;
            }
        }
    }
}
