package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A client that does not read its GenerateStream holds back its own generation: the gateway reads the
 * worker's stream only as the client reads, so the worker is held back before it has sent everything,
 * while other clients are served; once the client reads, every chunk arrives.
 */
class FlowControlApiTest {

    private static final int CHUNKS = 160;
    private static final int CHUNK_BYTES = 16 * 1024;

    @Test
    void aClientThatDoesNotReadHoldsBackItsOwnGenerationOnly() throws Exception {
        try (AllInOne all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
             StreamingWorker worker = new StreamingWorker("generic", CHUNKS, CHUNK_BYTES)) {
            List<ModelRoute> models = all.gatewayConfig().models().stream().map(m -> m.role().equals("generic")
                    ? new ModelRoute(m.name(), m.role(), m.domain(), List.of(worker.address()), m.price(), m.prior())
                    : m).toList();
            try (Replica gateway = new Replica(all.gatewayConfig().withModels(models))) {
                ManagedChannel slowClient = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port()).usePlaintext()
                        .flowControlWindow(64 * 1024).maxInboundMessageSize(64 << 20).build();
                try {
                    AtomicReference<ClientCallStreamObserver<GenerateRequest>> stalled = new AtomicReference<>();
                    AtomicLong received = new AtomicLong();
                    CompletableFuture<GenerateChunk> last = new CompletableFuture<>();
                    GoldilocksGrpc.newStub(slowClient).withDeadlineAfter(120, TimeUnit.SECONDS).generateStream(
                            GenerateRequest.newBuilder().setPrompt("Tell a long story").setModel("generic")
                                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(256)).build(),
                            new ClientResponseObserver<GenerateRequest, GenerateChunk>() {
                                private GenerateChunk latest;

                                @Override
                                public void beforeStart(ClientCallStreamObserver<GenerateRequest> call) {
                                    call.disableAutoRequestWithInitial(0); // reads nothing until told
                                    stalled.set(call);
                                }

                                @Override
                                public void onNext(GenerateChunk chunk) {
                                    received.addAndGet(chunk.getText().length());
                                    latest = chunk;
                                }

                                @Override
                                public void onError(Throwable t) {
                                    last.completeExceptionally(t);
                                }

                                @Override
                                public void onCompleted() {
                                    last.complete(latest);
                                }
                            });

                    assertThat(worker.awaitHeldBack(60)).as("the worker's stream is held back").isTrue();
                    assertThat(gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(
                            GenerateRequest.newBuilder().setPrompt("What is 2 + 2?").setDomainHint("math")
                                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(4)).build())
                            .getRoute().getModel()).as("other clients are served meanwhile").isEqualTo("math-specialist");
                    assertThat(worker.sent()).as("chunks sent while the client read nothing").isLessThan(CHUNKS);
                    assertThat(last).as("the stalled stream has not ended").isNotDone();

                    stalled.get().request(Integer.MAX_VALUE); // the client reads at last
                    GenerateChunk end = last.get(60, TimeUnit.SECONDS);
                    assertThat(end.hasFinal()).isTrue();
                    assertThat(received.get()).as("every chunk's text arrived").isEqualTo((long) CHUNKS * CHUNK_BYTES);
                    assertThat(end.getFinal().getText()).hasSize(CHUNKS * CHUNK_BYTES);
                } finally {
                    slowClient.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
