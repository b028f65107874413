package dev.goldilocks.gateway;

import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerTiming;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker protocol with a generation far larger than an HTTP/2 window, which no demo model writes: each
 * Generate streams {@code chunks} chunks of {@code chunkBytes} characters, sending only while its stream is
 * ready, as a worker that honours back-pressure does. It records how far the last stream got and whether it
 * was ever held back. For flow-control tests; models are not its business.
 */
final class StreamingWorker extends WorkerGrpc.WorkerImplBase implements AutoCloseable {

    private final String model;
    private final int chunks;
    private final String text;
    private final Server server;
    private final AtomicInteger sent = new AtomicInteger();
    private final CountDownLatch heldBack = new CountDownLatch(1);

    StreamingWorker(String model, int chunks, int chunkBytes) throws IOException {
        this.model = model;
        this.chunks = chunks;
        this.text = "x".repeat(chunkBytes);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Chunks the current stream has sent. */
    int sent() {
        return sent.get();
    }

    /** Waits until the stream could not send because the other side does not read. */
    boolean awaitHeldBack(long seconds) throws InterruptedException {
        return heldBack.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void generate(WorkerGenerateRequest request, StreamObserver<WorkerGenerateChunk> responses) {
        ServerCallStreamObserver<WorkerGenerateChunk> out = (ServerCallStreamObserver<WorkerGenerateChunk>) responses;
        sent.set(0);
        Runnable pump = new Runnable() {
            private boolean done;

            @Override
            public void run() {
                while (!done && out.isReady() && sent.get() < chunks) {
                    out.onNext(WorkerGenerateChunk.newBuilder().setText(text).build());
                    sent.incrementAndGet();
                }
                if (!done && sent.get() == chunks) {
                    done = true;
                    out.onNext(WorkerGenerateChunk.newBuilder().setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                            .setPromptTokens(1).setCompletionTokens(chunks).setTiming(WorkerTiming.newBuilder()
                                    .setComputeSeconds(0.001)).build());
                    out.onCompleted();
                } else if (!done && !out.isReady()) {
                    heldBack.countDown();
                }
            }
        };
        out.setOnReadyHandler(pump);
        pump.run();
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        responses.onNext(StatusResponse.newBuilder().addModels(ModelStatus.newBuilder().setName(model)
                .setKind("causal-lm").setState(ModelStatus.State.READY).setContextTokens(256)).build());
        responses.onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
