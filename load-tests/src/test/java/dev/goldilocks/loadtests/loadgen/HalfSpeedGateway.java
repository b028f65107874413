package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * A stalled server with half the capacity of its offered load: calls are held in arrival order, and one is
 * answered for every second arrival (all the rest once {@code expected} have arrived), so its queue grows all
 * run long. Paced by arrivals, not by a clock: call k is answered no earlier than call 2k arrives.
 */
final class HalfSpeedGateway extends GoldilocksGrpc.GoldilocksImplBase implements AutoCloseable {

    private final Server server;
    private final int expected;
    private final Deque<Held> held = new ArrayDeque<>();
    private int arrivals;
    private int maxHeld;

    private record Held(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
    }

    HalfSpeedGateway(int expected) throws IOException {
        this.expected = expected;
        // handlers run in the order calls arrive on the connection, so "arrival order" is the order of sending
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor().addService(this)
                .build().start();
    }

    int port() {
        return server.getPort();
    }

    /** The most calls the server held at once. */
    synchronized int maxHeld() {
        return maxHeld;
    }

    @Override
    public synchronized void generate(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
        held.addLast(new Held(request, responses));
        maxHeld = Math.max(maxHeld, held.size());
        arrivals++;
        if (arrivals == expected) {
            while (!held.isEmpty()) {
                answer(held.removeFirst());
            }
        } else if (arrivals % 2 == 0) {
            answer(held.removeFirst());
        }
    }

    private static void answer(Held h) {
        h.responses().onNext(ScriptedGateway.okResponse(h.request()));
        h.responses().onCompleted();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
