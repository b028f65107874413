package dev.goldilocks.gateway.service;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Flow control of one GenerateStream: the worker's next message is asked for only once the client's
 * stream can take more (gRPC's isReady/onReady), so a client that does not read slows its own generation
 * instead of having its text pile up in the gateway's memory; other streams are not affected.
 */
final class ClientPacing {

    private final ServerCallStreamObserver<?> client;
    private final AtomicReference<Runnable> pending = new AtomicReference<>();
    private volatile boolean heldBack;

    /** Must be made while the handler runs (gRPC takes the onReady handler only then). */
    ClientPacing(ServerCallStreamObserver<?> client) {
        this.client = client;
        client.setOnReadyHandler(this::release);
    }

    /** Runs {@code requestNext} now if the client can take more, or when it next can. */
    void whenReady(Runnable requestNext) {
        pending.set(requestNext);
        if (client.isReady()) {
            release();
        } else {
            heldBack = true;
            release(); // it may have turned ready since it was asked, before the handler could see the request
        }
    }

    /** Whether the client held the stream back at least once. */
    boolean heldBack() {
        return heldBack;
    }

    private void release() {
        if (client.isReady() || client.isCancelled()) {
            Runnable next = pending.getAndSet(null);
            if (next != null) {
                next.run();
            }
        }
    }
}
