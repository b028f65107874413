package dev.goldilocks.common.grpc;

import io.grpc.BindableService;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The settings every Goldilocks gRPC server shares, so gateway and worker cannot drift apart. */
public final class GrpcServers {

    private GrpcServers() {
    }

    /**
     * A server builder with a bounded executor (the default is an unbounded cached pool), an explicit
     * inbound message limit, keepalive that clients may use without GOAWAY, a maximum connection age so
     * clients re-resolve (Kubernetes), health and reflection (v1, and v1alpha for older tools), and TLS
     * (mutual when the files name a CA) when configured.
     */
    public static NettyServerBuilder builder(String host, int port, int maxInboundBytes, ExecutorService executor,
                                             HealthStatusManager health, Optional<TlsFiles> tls) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
        tls.ifPresent(t -> builder.sslContext(t.serverContext()));
        return builder
                .executor(executor)
                .maxInboundMessageSize(maxInboundBytes)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConnectionAge(30, TimeUnit.MINUTES)
                .maxConnectionAgeGrace(5, TimeUnit.MINUTES)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(oldReflection());
    }

    @SuppressWarnings("deprecation")
    private static BindableService oldReflection() {
        return ProtoReflectionService.newInstance();
    }

    /** gRPC handler threads: a fixed number, with a bounded queue. */
    public static ExecutorService boundedExecutor(String name) {
        int threads = Math.max(4, 4 * Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
