package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What SIGTERM runs (the shutdown hook closes the all-in-one): calls in flight finish, new ones are refused. */
class DrainTest {

    @Test
    void closingDrainsCallsInFlightThenRefusesNewOnes() throws Exception {
        AllInOne all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
        try {
            GoldilocksGrpc.GoldilocksBlockingStub gateway = GoldilocksGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            GenerateRequest longRun = GenerateRequest.newBuilder().setPrompt("Once upon a time").setModel("generic")
                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(150).setTemperature(1).setSeed(9)
                            .setTopK(20)).build();
            Iterator<GenerateChunk> stream = gateway.generateStream(longRun);
            stream.next(); // the call is in flight: its first text has arrived
            CompletableFuture<Void> drain = CompletableFuture.runAsync(all::close);
            GenerateChunk last = null;
            while (stream.hasNext()) {
                last = stream.next();
            }
            assertThat(last).isNotNull();
            assertThat(last.hasFinal()).as("the call in flight finished normally").isTrue();
            assertThat(last.getFinal().getFinishReason()).isNotEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED);
            drain.get(60, TimeUnit.SECONDS);
            assertThatThrownBy(() -> gateway.generate(longRun)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            channel.shutdownNow();
            all.close();
        }
    }
}
