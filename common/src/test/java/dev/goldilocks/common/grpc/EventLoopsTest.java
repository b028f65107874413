package dev.goldilocks.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy on {@link EventLoops}, over real sockets: a method served inline runs on its connection's loop
 * and its upstream call, made on that loop's connection, answers on the same thread (no hand-off); the
 * other methods run on handler threads, which still know the loop their call arrived on.
 */
class EventLoopsTest {

    private final EventLoops loops = EventLoops.create("test");
    private final ExecutorService handlers = GrpcServers.boundedExecutor("test-grpc");
    private final List<ManagedChannel> upstreamByLoop = new ArrayList<>();
    private Server upstream;
    private Server proxy;
    private ManagedChannel client;

    /** Where a proxy handler ran, and where its upstream call's answer arrived. */
    private record Seen(Thread handler, boolean onLoop, int loop, Thread upstreamAnswer) {
    }

    @Test
    void inlineMethodsStayOnTheirLoopAndTheOthersRunOnHandlerThreadsThatKnowIt() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(health.getHealthService()).build().start();
        for (int i = 0; i < loops.size(); i++) {
            upstreamByLoop.add(loops.connectOn(NettyChannelBuilder.forAddress("127.0.0.1", upstream.getPort())
                    .usePlaintext().directExecutor(), i).build());
        }
        List<Seen> checks = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Seen> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
        proxy = loops.serve(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), handlers,
                        m -> m.getFullMethodName().equals(HealthGrpc.getCheckMethod().getFullMethodName()))
                .addService(new Proxy(checks, watches)).build().start();
        client = NettyChannelBuilder.forAddress("127.0.0.1", proxy.getPort()).usePlaintext().build();

        HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(client).withDeadlineAfter(30, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            assertThat(stub.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        }
        assertThat(stub.watch(HealthCheckRequest.getDefaultInstance()).next().getStatus())
                .isEqualTo(ServingStatus.SERVING);

        assertThat(checks).hasSize(5).allSatisfy(seen -> {
            assertThat(seen.onLoop()).as("an inline method runs on the transport thread").isTrue();
            assertThat(seen.upstreamAnswer()).as("the upstream answer arrives on that same thread")
                    .isSameAs(seen.handler());
        });
        int loop = checks.get(0).loop();
        assertThat(checks).extracting(Seen::loop).as("one client connection, one loop").containsOnly(loop);
        assertThat(watches).singleElement().satisfies(seen -> {
            assertThat(seen.onLoop()).as("the other methods run on handler threads").isFalse();
            assertThat(seen.handler().getName()).startsWith("test-grpc");
            assertThat(seen.loop()).as("which know their call's loop").isEqualTo(loop);
        });
    }

    /** Check: answered from upstream, called on the current loop's connection. Watch: answered at once. */
    private final class Proxy extends HealthGrpc.HealthImplBase {
        private final List<Seen> checks;
        private final List<Seen> watches;

        Proxy(List<Seen> checks, List<Seen> watches) {
            this.checks = checks;
            this.watches = watches;
        }

        @Override
        public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
            Thread handler = Thread.currentThread();
            boolean onLoop = loops.onLoopThread();
            int loop = loops.current();
            HealthGrpc.newStub(upstreamByLoop.get(loop)).check(request, new StreamObserver<>() {
                @Override
                public void onNext(HealthCheckResponse answer) {
                    checks.add(new Seen(handler, onLoop, loop, Thread.currentThread()));
                    out.onNext(answer);
                }

                @Override
                public void onError(Throwable t) {
                    out.onError(t);
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            });
        }

        @Override
        public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
            watches.add(new Seen(Thread.currentThread(), loops.onLoopThread(), loops.current(), null));
            out.onNext(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build());
            out.onCompleted();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (client != null) {
            client.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (proxy != null) {
            proxy.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        for (ManagedChannel c : upstreamByLoop) {
            c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        handlers.shutdownNow();
        loops.close();
    }
}
