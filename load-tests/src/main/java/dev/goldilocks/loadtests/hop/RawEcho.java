package dev.goldilocks.loadtests.hop;

import dev.goldilocks.common.grpc.GrpcServers;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Timing;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.Usage;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerTiming;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The floor: a trivial grpc-java service with the messages of the public API (Generate, GenerateStream) and
 * of the worker API (Generate), served with our server defaults ({@link GrpcServers}: the bounded handler
 * executor, limits, keepalive, health and reflection), whose handlers answer at once on the handler thread
 * with what an echo model behind the gateway answers: max_new_tokens "x" tokens, a route, usage and timing.
 */
final class RawEcho implements AutoCloseable {

    /** About as long as a signed request id. */
    private static final String REQUEST_ID = "x".repeat(150);
    private static final Token X = Token.newBuilder().setId('x').setText("x").build();

    private final Server server;
    private final ExecutorService executor;

    private RawEcho(Server server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static RawEcho start() throws IOException {
        ExecutorService executor = GrpcServers.boundedExecutor("raw-grpc");
        Server server = GrpcServers.builder("127.0.0.1", 0, 4 << 20, executor, new HealthStatusManager(), Optional.empty())
                .addService(new PublicApi()).addService(new WorkerApi()).build().start();
        return new RawEcho(server, executor);
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        executor.shutdownNow();
    }

    private static final class PublicApi extends GoldilocksGrpc.GoldilocksImplBase {
        @Override
        public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
            responses.onNext(response(request));
            responses.onCompleted();
        }

        @Override
        public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> responses) {
            GenerateResponse whole = response(request);
            responses.onNext(GenerateChunk.newBuilder().setRequestId(REQUEST_ID).setText(whole.getText())
                    .setRoute(whole.getRoute()).build());
            responses.onNext(GenerateChunk.newBuilder().setRequestId(REQUEST_ID).setFinal(whole).build());
            responses.onCompleted();
        }

        private static GenerateResponse response(GenerateRequest request) {
            int n = request.getParams().getMaxNewTokens();
            GenerateResponse.Builder response = GenerateResponse.newBuilder().setRequestId(REQUEST_ID)
                    .setText("x".repeat(n)).setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                    .setRoute(Route.newBuilder().setDomain(request.getDomainHint()).setConfidence(1)
                            .setModel("math-specialist").setChosenModel("math-specialist")
                            .setPolicy("specialist-by-domain").setReason("domain hint; specialist for math")
                            .setPropensity(1))
                    .setUsage(Usage.newBuilder().setPromptTokens(request.getPrompt().length()).setCompletionTokens(n))
                    .setTiming(Timing.newBuilder().setTotalSeconds(1e-4));
            for (int i = 0; i < n; i++) {
                response.addTokens(X);
            }
            return response.build();
        }
    }

    private static final class WorkerApi extends WorkerGrpc.WorkerImplBase {
        @Override
        public void generate(WorkerGenerateRequest request, StreamObserver<WorkerGenerateChunk> responses) {
            int n = request.getParams().getMaxNewTokens();
            WorkerGenerateChunk.Builder text = WorkerGenerateChunk.newBuilder().setText("x".repeat(n));
            for (int i = 0; i < n; i++) {
                text.addTokens(X);
            }
            responses.onNext(text.build());
            responses.onNext(WorkerGenerateChunk.newBuilder().setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                    .setPromptTokens(request.getPrompt().length()).setCompletionTokens(n)
                    .setTiming(WorkerTiming.newBuilder().setBatchSize(1)).build());
            responses.onCompleted();
        }
    }
}
