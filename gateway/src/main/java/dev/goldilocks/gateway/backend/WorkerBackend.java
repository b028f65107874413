package dev.goldilocks.gateway.backend;

import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One of our gRPC workers (an address): its channel, and the worker protocol's calls on it. A call runs in
 * the caller's Context, so the caller's cancellation and deadline travel with it to the worker.
 */
public final class WorkerBackend implements ModelBackend {

    /**
     * A fixed HTTP/2 window per worker stream and connection: a client that stops reading holds at most this
     * much of its generation at the gateway before the worker sees back-pressure (auto-tuning could grow it).
     */
    public static final int WINDOW_BYTES = 1 << 20;

    private final String address;
    private final ManagedChannel channel;

    WorkerBackend(String address, ManagedChannel channel) {
        this.address = address;
        this.channel = channel;
    }

    /** A channel to {@code address} (host:port), over TLS when {@code tls} is given. */
    public static WorkerBackend open(String address, int maxInboundBytes, Optional<SslContext> tls) {
        // The worker's answers are handled on the connection's event loop (direct executor): what runs there
        // (Attempt, GenerationCall, the sinks, metrics) never blocks, and a hand-off to gRPC's default cached
        // pool for each message cost about four thread wake-ups per call (JFR: load-tests/results/hop-findings.md).
        // No gRPC retries on this channel: the dispatcher retries and fails over itself (on another replica,
        // within its budget), and gRPC's retry machinery buffered every call's messages for nothing.
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address).maxInboundMessageSize(maxInboundBytes)
                .flowControlWindow(WINDOW_BYTES).keepAliveTime(30, TimeUnit.SECONDS).directExecutor().disableRetry();
        if (tls.isPresent()) {
            builder.sslContext(tls.get());
        } else {
            builder.usePlaintext();
        }
        return new WorkerBackend(address, builder.build());
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public void generate(WorkerGenerateRequest request, CallScope scope, BackendObserver<WorkerGenerateChunk> out) {
        scope.caller().run(() -> stub(scope).generate(request, new Relay<>(out, true)));
    }

    @Override
    public void score(WorkerScoreRequest request, CallScope scope, BackendObserver<WorkerScoreResponse> out) {
        scope.caller().run(() -> stub(scope).score(request, new Relay<>(out, false)));
    }

    private WorkerGrpc.WorkerStub stub(CallScope scope) {
        return WorkerGrpc.newStub(channel).withDeadline(scope.deadline());
    }

    @Override
    public CompletableFuture<StatusResponse> status(Duration timeout) {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff(); // a restarted worker is found at the next poll, not minutes later
        }
        CompletableFuture<StatusResponse> answer = new CompletableFuture<>();
        WorkerGrpc.newStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .status(StatusRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(StatusResponse status) {
                        answer.complete(status);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new IllegalStateException("Status ended without an answer"));
                    }
                });
        return answer;
    }

    @Override
    public boolean reachable() {
        return channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE;
    }

    /** Whether {@link #shutdown()} was called (the channel no longer takes calls). */
    public boolean isShutdown() {
        return channel.isShutdown();
    }

    @Override
    public void shutdown() {
        channel.shutdown();
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }

    /** A worker call's answers, passed on with what each failure says about the worker. */
    private static final class Relay<T> implements ClientResponseObserver<Object, T> {
        private final BackendObserver<T> out;
        private final boolean streams;

        Relay(BackendObserver<T> out, boolean streams) {
            this.out = out;
            this.streams = streams;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Object> call) {
            if (streams) {
                call.disableAutoRequestWithInitial(1); // the next message only when the client can take it
                out.onStart(call::request);
            } else {
                out.onStart(n -> { });
            }
        }

        @Override
        public void onNext(T message) {
            out.onNext(message);
        }

        @Override
        public void onError(Throwable t) {
            out.onError(t, FailureKind.ofWorker(t));
        }

        @Override
        public void onCompleted() {
            out.onCompleted();
        }
    }
}
