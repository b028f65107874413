package dev.goldilocks.worker.service;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A call's response stream that ends exactly once and counts how it ended. After the client left,
 * late messages are dropped instead of thrown.
 */
final class MeteredCall<T> {

    private final ServerCallStreamObserver<T> out;
    private final Context context = Context.current();
    private final WorkerMetrics metrics;
    private final String rpc;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile String model = "none";

    MeteredCall(StreamObserver<T> responses, WorkerMetrics metrics, String rpc) {
        this.out = (ServerCallStreamObserver<T>) responses;
        this.out.setOnCancelHandler(() -> { });
        this.metrics = metrics;
        this.rpc = rpc;
    }

    /** The model label, once the request named a hosted model. */
    void model(String name) {
        this.model = name;
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
