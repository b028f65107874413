package dev.goldilocks.gateway;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import dev.goldilocks.proto.v1.WorkerTiming;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real worker behind a gRPC server of its own, standing for a replica in trouble: it can add latency
 * before a call runs (as a queue does, or as a slow model does when the delay is reported as compute
 * time), hold calls until released, or answer a prompt as a model failure (a poison request). Otherwise
 * every Generate, Score and Status is forwarded to the real worker.
 */
final class WorkerProxy extends WorkerGrpc.WorkerImplBase implements AutoCloseable {

    private final ManagedChannel upstream;
    private final WorkerGrpc.WorkerBlockingStub real;
    private final Server server;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
    private volatile long delayMillis;
    private volatile boolean delayIsCompute;
    private volatile String poison = null;

    WorkerProxy(int realWorkerPort) throws IOException {
        this.upstream = NettyChannelBuilder.forAddress("127.0.0.1", realWorkerPort).usePlaintext().build();
        this.real = WorkerGrpc.newBlockingStub(upstream);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    /** A replica whose every call waits {@code delayMillis} first, as behind a queue. */
    static WorkerProxy slow(int realWorkerPort, long delayMillis) throws IOException {
        WorkerProxy proxy = new WorkerProxy(realWorkerPort);
        proxy.delay(delayMillis);
        return proxy;
    }

    int port() {
        return server.getPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** Generate and Score calls received so far. */
    int calls() {
        return calls.get();
    }

    /** Calls in this proxy now. */
    int running() {
        return running.get();
    }

    /** The most calls that were in this proxy at once. */
    int mostRunning() {
        return mostRunning.get();
    }

    /** Every call waits {@code millis} first, as behind a queue (0: the replica recovered). */
    void delay(long millis) {
        delayMillis = millis;
        delayIsCompute = false;
    }

    /** Every call waits {@code millis} and the worker's compute time says so: a replica whose model is slow. */
    void slowCompute(long millis) {
        delayMillis = millis;
        delayIsCompute = true;
    }

    /** Calls from now on wait until {@link #release()} (or until their caller leaves). */
    void hold() {
        gate.set(new CountDownLatch(1));
    }

    void release() {
        gate.get().countDown();
    }

    /** A prompt starting with {@code prefix} makes the model fail (INTERNAL, MODEL_FAILED); null: none does. */
    void poison(String prefix) {
        poison = prefix;
    }

    @Override
    public void generate(WorkerGenerateRequest request, StreamObserver<WorkerGenerateChunk> responses) {
        if (enter(request.getModel(), request.getPrompt(), responses)) {
            forward(responses, () -> real.withDeadlineAfter(60, TimeUnit.SECONDS).generate(request).forEachRemaining(
                    c -> responses.onNext(c.hasTiming() ? c.toBuilder().setTiming(slowed(c.getTiming())).build() : c)));
        }
    }

    @Override
    public void score(WorkerScoreRequest request, StreamObserver<WorkerScoreResponse> responses) {
        if (enter(request.getModel(), request.getPrompt(), responses)) {
            forward(responses, () -> {
                WorkerScoreResponse r = real.withDeadlineAfter(60, TimeUnit.SECONDS).score(request);
                responses.onNext(r.toBuilder().setTiming(slowed(r.getTiming())).build());
            });
        }
    }

    /** Runs the forwarding {@code body}, then ends the call as the real worker ended it. */
    private void forward(StreamObserver<?> responses, Runnable body) {
        try {
            body.run();
            responses.onCompleted();
        } catch (RuntimeException e) {
            responses.onError(e);
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        responses.onNext(real.withDeadlineAfter(5, TimeUnit.SECONDS).status(request));
        responses.onCompleted();
    }

    /** Counts the call, waits as told; false when the call ended here (poisoned, or its caller left). */
    private boolean enter(String model, String prompt, StreamObserver<?> responses) {
        calls.incrementAndGet();
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            CountDownLatch held = gate.get();
            while (!held.await(10, TimeUnit.MILLISECONDS)) {
                if (Context.current().isCancelled()) {
                    running.decrementAndGet();
                    return false;
                }
            }
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String poisoned = poison;
        if (poisoned != null && prompt.startsWith(poisoned)) {
            running.decrementAndGet();
            responses.onError(Failures.of(ErrorReason.MODEL_FAILED, "model " + model + " failed: poisoned")
                    .model(model).build());
            return false;
        }
        return true;
    }

    private WorkerTiming slowed(WorkerTiming t) {
        return delayIsCompute ? t.toBuilder().setComputeSeconds(t.getComputeSeconds() + delayMillis / 1e3).build() : t;
    }

    @Override
    public void close() throws InterruptedException {
        release();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        upstream.shutdownNow();
    }
}
