package dev.goldilocks.worker.service;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A call's response stream that ends exactly once and counts how it ended. After the client left,
 * late messages are dropped instead of thrown. It says whether the client is reading ({@link #ready}), so
 * that a stream's producer can wait for a slow reader instead of buffering for it without bound.
 */
final class MeteredCall<T> {

    /**
     * Bytes a stream may have queued for its client before it is not {@link #ready}: a few dozen tokens of
     * text ahead of a reader (gRPC's default is 32 KiB, which is longer than a whole generation of most
     * models; a client that stops reading would make the worker buffer all of it).
     */
    static final int STREAM_BUFFER_BYTES = 1024;

    private final ServerCallStreamObserver<T> out;
    private final Context context = Context.current();
    private final WorkerMetrics metrics;
    private final String rpc;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile String model = "none";
    private volatile Runnable onChange = () -> { };

    MeteredCall(StreamObserver<T> responses, WorkerMetrics metrics, String rpc) {
        this.out = (ServerCallStreamObserver<T>) responses;
        // handlers may only be set while the RPC method runs: they forward to what is set later
        this.out.setOnCancelHandler(() -> onChange.run());
        this.out.setOnReadyHandler(() -> onChange.run());
        this.out.setOnReadyThreshold(STREAM_BUFFER_BYTES);
        this.metrics = metrics;
        this.rpc = rpc;
    }

    /** The model label, once the request named a hosted model. */
    void model(String name) {
        this.model = name;
    }

    /** Whether the client is taking what was sent (gRPC's isReady); false too once the call is over. */
    boolean ready() {
        return out.isReady();
    }

    /** Runs {@code action} when the client becomes ready again or leaves (on a gRPC thread: must not block). */
    void onReadyOrCancel(Runnable action) {
        this.onChange = action;
    }

    void next(T message) {
        out.onNext(message);
    }

    void complete(T last) {
        if (out.isCancelled()) {
            // the answer came after the caller left (its deadline passed during a batch): count what it saw
            fail(WorkerCalls.cancelledStatus(context, "before the answer was sent"));
            return;
        }
        out.onNext(last);
        if (ended.compareAndSet(false, true)) {
            metrics.ended(model, rpc, Status.Code.OK);
            out.onCompleted();
        }
    }

    void fail(StatusRuntimeException error) {
        if (ended.compareAndSet(false, true)) {
            metrics.ended(model, rpc, error.getStatus().getCode());
            out.onError(error);
        }
    }
}
