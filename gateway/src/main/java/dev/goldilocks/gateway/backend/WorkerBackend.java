package dev.goldilocks.gateway.backend;

import dev.goldilocks.common.grpc.EventLoops;
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
import java.util.ArrayList;
import java.util.List;
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
    /** Status polls, and calls from threads that are not handling one of the loops' calls (probes, shadow). */
    private final ManagedChannel channel;
    /** By event loop: the channel whose connection that loop serves (empty without loops of our own). */
    private final List<ManagedChannel> perLoop;
    private final Optional<EventLoops> loops;

    private WorkerBackend(String address, ManagedChannel channel, List<ManagedChannel> perLoop,
                          Optional<EventLoops> loops) {
        this.address = address;
        this.channel = channel;
        this.perLoop = perLoop;
        this.loops = loops;
    }

    /**
     * Channels to {@code address} (host:port), over TLS when {@code tls} is given: on {@code loops} when
     * given, one per loop, each call on the one of the loop its own call arrived on; else one channel.
     */
    public static WorkerBackend open(String address, int maxInboundBytes, Optional<SslContext> tls,
                                     Optional<EventLoops> loops) {
        if (loops.isEmpty()) {
            ManagedChannel channel = channel(address, maxInboundBytes, tls).build();
            return new WorkerBackend(address, channel, List.of(), Optional.empty());
        }
        List<ManagedChannel> perLoop = new ArrayList<>();
        for (int i = 0; i < loops.get().size(); i++) {
            perLoop.add(loops.get().connectOn(channel(address, maxInboundBytes, tls), i).build());
        }
        return new WorkerBackend(address, perLoop.get(0), perLoop, loops);
    }

    private static NettyChannelBuilder channel(String address, int maxInboundBytes, Optional<SslContext> tls) {
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
        return builder;
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
        int loop = loops.map(EventLoops::current).orElse(-1);
        return WorkerGrpc.newStub(loop < 0 ? channel : perLoop.get(loop)).withDeadline(scope.deadline());
    }

    @Override
    public CompletableFuture<StatusResponse> status(Duration timeout) {
        for (ManagedChannel c : channels()) {
            if (c.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                c.resetConnectBackoff(); // a restarted worker is found at the next poll, not minutes later
            }
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
        channels().forEach(ManagedChannel::shutdown);
    }

    @Override
    public void close() {
        shutdown();
        try {
            for (ManagedChannel c : channels()) {
                if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channels().forEach(ManagedChannel::shutdownNow);
        }
    }

    private List<ManagedChannel> channels() {
        return perLoop.isEmpty() ? List.of(channel) : perLoop;
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
