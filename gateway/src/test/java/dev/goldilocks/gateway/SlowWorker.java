package dev.goldilocks.gateway;

import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A real worker behind a gRPC server that adds latency: every Generate and Score waits, then is forwarded
 * to the real worker. Stands for a slow or overloaded replica in tests.
 */
final class SlowWorker extends WorkerGrpc.WorkerImplBase implements AutoCloseable {

    private final ManagedChannel upstream;
    private final WorkerGrpc.WorkerBlockingStub real;
    private volatile long delayMillis;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    private final Server server;

    SlowWorker(int realWorkerPort, long delayMillis) throws IOException {
        this.upstream = NettyChannelBuilder.forAddress("127.0.0.1", realWorkerPort).usePlaintext().build();
        this.real = WorkerGrpc.newBlockingStub(upstream);
        this.delayMillis = delayMillis;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    int port() {
        return server.getPort();
    }

    /** Generate and Score calls received so far. */
    int calls() {
        return calls.get();
    }

    /** The worker recovers (0) or slows down. */
    void delay(long millis) {
        delayMillis = millis;
    }

    @Override
    public void generate(WorkerGenerateRequest request, StreamObserver<WorkerGenerateChunk> responses) {
        pause();
        real.withDeadlineAfter(60, TimeUnit.SECONDS).generate(request).forEachRemaining(responses::onNext);
        responses.onCompleted();
    }

    @Override
    public void score(WorkerScoreRequest request, StreamObserver<WorkerScoreResponse> responses) {
        pause();
        responses.onNext(real.withDeadlineAfter(60, TimeUnit.SECONDS).score(request));
        responses.onCompleted();
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        responses.onNext(real.withDeadlineAfter(5, TimeUnit.SECONDS).status(request));
        responses.onCompleted();
    }

    private void pause() {
        calls.incrementAndGet();
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        upstream.shutdownNow();
    }
}
