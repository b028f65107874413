package dev.goldilocks.gateway.decisions;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.store.DecisionStoreException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Admin calls that wait on the decision store run on a thread of their own, one at a time with a few waiting, so a
 * slow store or a long read never holds a gRPC thread; more are refused with RESOURCE_EXHAUSTED. A store that does
 * not answer is UNAVAILABLE (DECISION_LOG_UNAVAILABLE); a status the call throws is sent as it is.
 */
public final class StoreCalls implements AutoCloseable {

    private final int waiting;
    private final String what;
    private final ThreadPoolExecutor thread;

    /** @param what what the calls do, for the refusal's message ("decision log reads") */
    public StoreCalls(String threadName, String what, int waiting) {
        this.waiting = waiting;
        this.what = what;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(waiting), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Answers {@code responses} with what {@code call} returns, or with its failure. */
    public <T> void run(StreamObserver<T> responses, Supplier<T> call) {
        try {
            thread.execute(() -> {
                T answer;
                try {
                    answer = call.get();
                } catch (StatusRuntimeException e) {
                    responses.onError(e);
                    return;
                } catch (DecisionStoreException e) {
                    responses.onError(Failures.of(ErrorReason.DECISION_LOG_UNAVAILABLE, e.getMessage()).build());
                    return;
                } catch (RuntimeException e) {
                    responses.onError(Failures.of(ErrorReason.INTERNAL_ERROR, what + " failed: " + e).build());
                    return;
                }
                responses.onNext(answer);
                responses.onCompleted();
            });
        } catch (RejectedExecutionException e) {
            responses.onError(Failures.of(ErrorReason.GATEWAY_OVERLOADED, what + ": one runs and " + waiting
                    + " wait already; retry later").build());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
