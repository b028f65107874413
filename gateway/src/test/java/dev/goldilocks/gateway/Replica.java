package dev.goldilocks.gateway;

import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Another gateway replica on an ephemeral port, for tests that need other settings than the all-in-one's. */
final class Replica implements AutoCloseable {

    private final GatewayServer server;
    private final ManagedChannel channel;

    Replica(GatewayConfig config) throws IOException {
        server = GatewayServer.start(config.withPort(0));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    int port() {
        return server.port();
    }

    GoldilocksGrpc.GoldilocksBlockingStub blocking() {
        return GoldilocksGrpc.newBlockingStub(channel);
    }

    io.grpc.Channel channel() {
        return channel;
    }

    GoldilocksGrpc.GoldilocksStub async() {
        return GoldilocksGrpc.newStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }
}
