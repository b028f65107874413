package dev.goldilocks.gateway;

import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real worker behind a gRPC server that passes on the first chunk of each generation and then holds the
 * stream open until its caller cancels (or its deadline passes), whatever the speed of the machine; the
 * real worker's generation is cancelled at that moment. So a test can know that a deadline or a cancel
 * arrived mid-generation, and see that the worker was told.
 */
final class HoldingWorker extends WorkerGrpc.WorkerImplBase implements AutoCloseable {

    private final ManagedChannel upstream;
    private final Server server;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final CountDownLatch firstChunk;

    HoldingWorker(int realWorkerPort) throws IOException {
        this(realWorkerPort, 1);
    }

    /** @param generations how many generations must have passed on their first chunk to open {@link #firstChunk()} */
    HoldingWorker(int realWorkerPort, int generations) throws IOException {
        this.firstChunk = new CountDownLatch(generations);
        this.upstream = NettyChannelBuilder.forAddress("127.0.0.1", realWorkerPort).usePlaintext().build();
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    int port() {
        return server.getPort();
    }

    /** Counted down when a held generation's caller went away. */
    CountDownLatch cancelled() {
        return cancelled;
    }

    /** Counted down when each generation's first chunk has been passed on (it is held from then on). */
    CountDownLatch firstChunk() {
        return firstChunk;
    }

    /** Whether the real worker behind this one has no sequence in flight, polled until {@code seconds} pass. */
    boolean upstreamIdleWithin(int seconds) throws InterruptedException {
        WorkerGrpc.WorkerBlockingStub worker = WorkerGrpc.newBlockingStub(upstream);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            if (worker.withDeadlineAfter(5, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance()).getModelsList()
                    .stream().allMatch(m -> m.getInFlight() == 0)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void generate(WorkerGenerateRequest request, StreamObserver<WorkerGenerateChunk> responses) {
        Context.CancellableContext real = Context.current().fork().withCancellation();
        ((ServerCallStreamObserver<WorkerGenerateChunk>) responses).setOnCancelHandler(() -> {
            real.cancel(null);
            cancelled.countDown();
        });
        AtomicBoolean first = new AtomicBoolean(true);
        real.run(() -> WorkerGrpc.newStub(upstream).withDeadlineAfter(60, TimeUnit.SECONDS).generate(request,
                new StreamObserver<>() {
                    @Override
                    public void onNext(WorkerGenerateChunk chunk) {
                        if (first.getAndSet(false)) {
                            responses.onNext(chunk);
                            firstChunk.countDown();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        responses.onNext(WorkerGrpc.newBlockingStub(upstream).withDeadlineAfter(5, TimeUnit.SECONDS).status(request));
        responses.onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        upstream.shutdownNow();
    }
}
