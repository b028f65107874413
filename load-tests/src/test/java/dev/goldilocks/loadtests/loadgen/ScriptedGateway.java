package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Timing;
import dev.goldilocks.proto.v1.Usage;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Goldilocks service on a real gRPC server (loopback, ephemeral port) whose answer each prompt names:
 * "ok" (3 tokens from model m1 under policy p), "full" (RESOURCE_EXHAUSTED MODEL_QUEUE_FULL naming m1),
 * "bad" (INVALID_ARGUMENT INVALID_FIELD), "plain" (UNAVAILABLE without ErrorInfo: a peer that sends no
 * details), "hang" (never answers), "final-only" (as "ok", but a stream sends only its last chunk, as the
 * gateway does when no text was generated). Anything else is answered like "ok".
 */
final class ScriptedGateway extends GoldilocksGrpc.GoldilocksImplBase implements AutoCloseable {

    static final Route ROUTE = Route.newBuilder().setModel("m1").setPolicy("p").setDomain("math").build();

    private final Server server;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();

    ScriptedGateway() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    int port() {
        return server.getPort();
    }

    /** Calls that reached the server. */
    int received() {
        return received.get();
    }

    /** Calls the client cancelled (or whose deadline passed) before the server answered. */
    int cancelled() {
        return cancelled.get();
    }

    static GenerateResponse okResponse(GenerateRequest request) {
        return GenerateResponse.newBuilder().setText(" 42").setRoute(ROUTE).setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                .setUsage(Usage.newBuilder().setPromptTokens(5).setCompletionTokens(3).setCostUsd(0.002))
                .setTiming(Timing.newBuilder().setTimeToFirstTokenSeconds(0.001).setTotalSeconds(0.003)).build();
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
        if (!scripted(request, responses)) {
            responses.onNext(okResponse(request));
            responses.onCompleted();
        }
    }

    @Override
    public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> responses) {
        if (!scripted(request, responses)) {
            if (!request.getPrompt().equals("final-only")) {
                responses.onNext(GenerateChunk.newBuilder().setRoute(ROUTE).setText(" ").build());
                for (String piece : new String[] {"4", "2"}) {
                    responses.onNext(GenerateChunk.newBuilder().setText(piece).build());
                }
            }
            responses.onNext(GenerateChunk.newBuilder().setFinal(okResponse(request)).build());
            responses.onCompleted();
        }
    }

    /** Answers the scripted failures; false when the request is to succeed. */
    private boolean scripted(GenerateRequest request, StreamObserver<?> responses) {
        received.incrementAndGet();
        ((ServerCallStreamObserver<?>) responses).setOnCancelHandler(cancelled::incrementAndGet);
        switch (request.getPrompt()) {
            case "full" -> responses.onError(Failures.of(ErrorReason.MODEL_QUEUE_FULL, "model m1: queue full")
                    .model("m1").build());
            case "bad" -> responses.onError(Failures.invalidField("prompt", "is bad"));
            case "plain" -> responses.onError(Status.UNAVAILABLE.withDescription("no details").asRuntimeException());
            case "hang" -> { } // held until the client gives up
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
