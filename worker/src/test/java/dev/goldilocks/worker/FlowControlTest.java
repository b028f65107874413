package dev.goldilocks.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.worker.RecordedStream.Outcome;
import dev.goldilocks.worker.config.WorkerConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading its Generate stream (gRPC flow control, through a real socket) slows that
 * stream only: its sequence sits out decoding steps, keeping its cache, instead of the worker buffering its
 * text without bound; the other streams run to the end; when the client reads again it gets the whole
 * generation, the same as a client that read all along.
 */
class FlowControlTest {

    private static final int TOKENS = 200;

    @Test
    void aStreamWhoseClientStopsReadingWaitsForItWhileTheOthersRunToTheEnd() throws Exception {
        PrometheusMeterRegistry registry = MetricsEndpoint.newRegistry();
        WorkerServer worker = WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, 32,
                List.of(DemoModels.config(DemoModels.GENERIC)), -1), registry);
        // a small HTTP/2 window: the client takes little before the worker's own buffer for the stream fills
        ManagedChannel slowReader = NettyChannelBuilder.forAddress("127.0.0.1", worker.port()).usePlaintext()
                .flowControlWindow(1024).build();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", worker.port()).usePlaintext().build();
        try {
            // greedy decoding of this prompt runs to the length limit: the generation is long and the same each time
            WorkerGenerateRequest request = WorkerGenerateRequest.newBuilder().setModel(DemoModels.GENERIC)
                    .setPrompt("Once upon a time").setParams(GenerationParams.newBuilder().setMaxNewTokens(TOKENS))
                    .build();
            RecordedStream stalled = new RecordedStream(true);
            WorkerGrpc.newStub(slowReader).withDeadlineAfter(120, TimeUnit.SECONDS).generate(request, stalled);
            awaitPaused(registry, 1);

            List<RecordedStream> others = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                RecordedStream other = new RecordedStream(false);
                WorkerGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS).generate(request, other);
                others.add(other);
            }
            for (RecordedStream other : others) {
                assertThat(other.outcome()).as(other.status()).isEqualTo(Outcome.FINISHED);
                assertThat(other.finalChunk().getCompletionTokens()).isEqualTo(TOKENS);
            }
            assertThat(stalled.isDone()).as("the stream whose client does not read has not run to its end").isFalse();
            assertThat(WorkerDrainTest.gauge(registry, "goldilocks.worker.sequences.paused"))
                    .as("it still sits out, after the others finished").isEqualTo(1);
            // the counter counts tokens as they are generated: the other two's, and the stalled one's so far
            double stalledSoFar = registry.find("goldilocks.worker.generated.tokens").counter().count() - 2 * TOKENS;
            assertThat(stalledSoFar).as("the stalled stream generated what its buffer holds, then sat out")
                    .isGreaterThan(0).isLessThan(TOKENS);

            stalled.readAll();
            assertThat(stalled.outcome()).as(stalled.status()).isEqualTo(Outcome.FINISHED);
            assertThat(stalled.finalChunk().getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
            assertThat(stalled.finalChunk().getCompletionTokens()).isEqualTo(TOKENS);
            assertThat(stalled.text()).as("resumed where it stopped: the same text as a client that read all along")
                    .isEqualTo(others.get(0).text());
            awaitPaused(registry, 0);
        } finally {
            slowReader.shutdownNow();
            channel.shutdownNow();
            worker.close();
        }
    }

    private static void awaitPaused(PrometheusMeterRegistry registry, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (WorkerDrainTest.gauge(registry, "goldilocks.worker.sequences.paused") != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sequences sitting out did not become " + expected + " within 60 s");
            }
            Thread.sleep(5);
        }
    }
}
