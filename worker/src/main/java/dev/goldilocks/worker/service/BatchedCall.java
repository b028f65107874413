package dev.goldilocks.worker.service;

import dev.goldilocks.proto.v1.WorkerTiming;
import io.grpc.Context;

/**
 * A request waiting in a {@link Batcher}: it follows its gRPC call's cancellation, records queue time,
 * batch size and compute time, and turns a failure into a status; a subclass writes the answer.
 */
abstract class BatchedCall<O> implements Batcher.Caller<O> {

    private final Context context = Context.current();
    private final String model;
    private final String rpc;
    private final long received;
    private final WorkerMetrics metrics;
    private final MeteredCall<?> out;
    private long started;
    private int batchSize;

    BatchedCall(String model, String rpc, long received, WorkerMetrics metrics, MeteredCall<?> out) {
        this.model = model;
        this.rpc = rpc;
        this.received = received;
        this.metrics = metrics;
        this.out = out;
    }

    /** Completes the call with {@code answer}; {@code timing} is filled in. */
    abstract void answer(O answer, WorkerTiming.Builder timing);

    @Override
    public boolean cancelled() {
        return context.isCancelled();
    }

    @Override
    public void started(long startedNanos, int batchSize) {
        this.started = startedNanos;
        this.batchSize = batchSize;
        metrics.queued(model, started - received);
        metrics.batched(model, rpc, batchSize);
    }

    @Override
    public void done(O answer) {
        long finished = System.nanoTime();
        metrics.computed(model, rpc, finished - started);
        answer(answer, WorkerCalls.timing(received, started, finished, finished).setBatchSize(batchSize)
                .setDeviceSeconds((finished - started) / 1e9 / batchSize));
    }

    @Override
    public void failed(Exception e) {
        out.fail(WorkerCalls.failure(context, model, e));
    }
}
