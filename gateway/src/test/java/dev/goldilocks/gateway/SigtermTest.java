package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-in-one as its own process (the `goldilocks serve` command), sent SIGTERM with 16 generations
 * of the generic model in flight: it drains and exits 0, without a JVM crash (the first wave's JVM died with
 * SIGSEGV in ONNX Runtime on the decode thread in 7 of 9 tries), and every stream gets its final message or
 * UNAVAILABLE with reason SHUTTING_DOWN.
 */
class SigtermTest {

    private static final Pattern GATEWAY = Pattern.compile("gateway \\(public API\\): ([\\d.]+):(\\d+)");
    private static final int STREAMS = 16;

    @Test
    void sigtermWithSixteenGenerationsInFlightDrainsAndExitsZero(@TempDir Path dir) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "../models")).toAbsolutePath();
        Path output = dir.resolve("output.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"), "dev.goldilocks.gateway.cli.Main",
                "serve", "--models", models.toString(), "--port", "0", "--metrics-port", "-1",
                "--probes-per-second", "0")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        ManagedChannel channel = null;
        try {
            Matcher gateway = awaitLine(output, process);
            channel = NettyChannelBuilder.forAddress(gateway.group(1), Integer.parseInt(gateway.group(2)))
                    .usePlaintext().build();
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                // greedy decoding of these prompts runs to the length limit on the generic model
                GenerateRequest request = GenerateRequest.newBuilder().setModel("generic")
                        .setPrompt(i % 2 == 0 ? "Once upon a time" : "The court held that")
                        .setParams(GenerationParams.newBuilder().setMaxNewTokens(200)).build();
                Stream stream = new Stream();
                GoldilocksGrpc.newStub(channel).withDeadlineAfter(180, TimeUnit.SECONDS).generateStream(request, stream);
                streams.add(stream);
            }
            for (Stream stream : streams) {
                assertThat(stream.first.await(120, TimeUnit.SECONDS)).as("in flight: its first text arrived").isTrue();
            }

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the process exited").isTrue();
            String log = Files.readString(output);
            assertThat(process.exitValue()).as("exit status; its output:\n" + log).isZero();
            assertThat(log).doesNotContain("SIGSEGV").doesNotContain("A fatal error has been detected")
                    .contains("gateway drain begins").contains("gateway drain ended");
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
            }
            for (Stream stream : streams) {
                Throwable error = stream.ended.get(60, TimeUnit.SECONDS);
                if (error == null) {
                    assertThat(stream.last).as("the final message").isNotNull();
                    assertThat(stream.last.getFinal().getFinishReason())
                            .isNotEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED);
                } else {
                    assertThat(Status.fromThrowable(error).getCode()).as(error.toString())
                            .isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(Failures.reason(error)).as(error.toString()).contains(ErrorReason.SHUTTING_DOWN);
                }
            }
        } finally {
            if (channel != null) {
                channel.shutdownNow();
            }
            process.destroyForcibly();
        }
    }

    /** Waits for the line that names the gateway's port. */
    private static Matcher awaitLine(Path output, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher m = GATEWAY.matcher(Files.readString(output));
            if (m.find()) {
                return m;
            }
            // how often to look again while the process starts, not a guess at when it is ready
            Thread.sleep(50);
        }
        throw new AssertionError("the all-in-one did not start:\n" + Files.readString(output));
    }

    /** One stream as its client sees it. */
    private static final class Stream implements StreamObserver<GenerateChunk> {
        final CountDownLatch first = new CountDownLatch(1);
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();
        volatile GenerateChunk last;

        @Override
        public void onNext(GenerateChunk chunk) {
            first.countDown();
            if (chunk.hasFinal()) {
                last = chunk;
            }
        }

        @Override
        public void onError(Throwable t) {
            first.countDown();
            ended.complete(t);
        }

        @Override
        public void onCompleted() {
            first.countDown();
            ended.complete(null);
        }
    }
}
