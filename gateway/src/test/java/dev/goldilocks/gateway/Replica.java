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

    /** The /metrics port (and /report, /experiments), when started with metrics_port 0. */
    int metricsPort() {
        return server.metricsPort();
    }

    /** This replica's /metrics, as Prometheus scrapes it (start it with metrics_port 0). */
    String metrics() throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of one sample of this replica's /metrics ({@code name{labels}} exactly as exported), 0 when absent. */
    double metric(String sample) throws IOException, InterruptedException {
        for (String line : metrics().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return 0;
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
