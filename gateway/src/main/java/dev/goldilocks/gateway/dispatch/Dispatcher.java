package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Every worker call goes through here: the model's bulkhead, a replica chosen by two random choices
 * among those whose circuit breaker is closed, the breaker told how the call went, and a retry on another
 * replica when the worker could not serve (unreachable, went away mid-call, or its queue full), only while
 * nothing has reached the client, within a retry budget.
 * The time limit is the call's deadline, which the caller's deadline caps.
 */
public final class Dispatcher {

    /** Retries that may be spent at once, before the budget refills at retry_budget_ratio per request. */
    private static final double RETRY_TOKENS = 20;

    private static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.INTERNAL, Status.Code.UNKNOWN);

    private final WorkerPools pools;
    private final int attempts;
    private final RetryBudget budget;
    private final SplittableRandom random = new SplittableRandom();

    public Dispatcher(WorkerPools pools, DispatchSettings settings) {
        this.pools = pools;
        this.attempts = settings.retryAttempts();
        this.budget = new RetryBudget(settings.retryBudgetRatio(), RETRY_TOKENS);
    }

    /** What a retry must know of the caller: whether anything reached the client, and how to start over. */
    public interface Delivery {
        /** True once any output of this call reached the client: from then on it is never retried. */
        boolean delivered();

        /** Forget a failed attempt's partial output before the retry. */
        void reset();

        /** Nothing is delivered before the end (unary calls). */
        Delivery AT_END = new Delivery() {
            @Override
            public boolean delivered() {
                return false;
            }

            @Override
            public void reset() {
            }
        };
    }

    public void generate(String model, WorkerGenerateRequest request, long deadlineMillis,
                         StreamObserver<WorkerGenerateChunk> out, Delivery delivery) {
        call(model, (stub, observer) -> stub.generate(request, observer), deadlineMillis, out, delivery);
    }

    public void score(String model, WorkerScoreRequest request, long deadlineMillis,
                      StreamObserver<WorkerScoreResponse> out) {
        call(model, (stub, observer) -> stub.score(request, observer), deadlineMillis, out, Delivery.AT_END);
    }

    private <T> void call(String model, BiConsumer<WorkerGrpc.WorkerStub, StreamObserver<T>> invoke, long deadlineMillis,
                          StreamObserver<T> out, Delivery delivery) {
        ModelPool pool = pools.pool(model);
        if (!pool.bulkhead().tryAcquirePermission()) {
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("model " + model + ": "
                    + pool.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()
                    + " calls in flight at this gateway (bulkhead full)").asRuntimeException());
            return;
        }
        budget.deposit();
        new Attempt<>(pool, invoke, deadlineMillis, out, delivery, Context.current()).start(new HashSet<>(), 1);
    }

    /** One call with its retries. */
    private final class Attempt<T> {
        private final ModelPool pool;
        private final BiConsumer<WorkerGrpc.WorkerStub, StreamObserver<T>> invoke;
        private final long deadlineMillis;
        private final StreamObserver<T> out;
        private final Delivery delivery;
        private final Context context;

        Attempt(ModelPool pool, BiConsumer<WorkerGrpc.WorkerStub, StreamObserver<T>> invoke, long deadlineMillis,
                StreamObserver<T> out, Delivery delivery, Context context) {
            this.pool = pool;
            this.invoke = invoke;
            this.deadlineMillis = deadlineMillis;
            this.out = out;
            this.delivery = delivery;
            this.context = context;
        }

        void start(Set<Endpoint> excluded, int attempt) {
            Optional<Endpoint> picked = pool.pick(excluded, random);
            if (picked.isEmpty()) {
                finish(() -> out.onError(Status.UNAVAILABLE.withDescription("model " + pool.model()
                        + ": no worker endpoint can take the call (" + pool.endpoints().size() + " known, "
                        + pool.endpoints().stream().filter(e -> !e.accepting()).count() + " with an open breaker)")
                        .asRuntimeException()));
                return;
            }
            Endpoint endpoint = picked.get();
            endpoint.outstanding().incrementAndGet();
            long started = System.nanoTime();
            // the caller's Context carries its deadline and cancellation to the retry as well
            context.run(() -> invoke.accept(endpoint.stub().withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(T message) {
                            out.onNext(message);
                        }

                        @Override
                        public void onError(Throwable t) {
                            endpoint.outstanding().decrementAndGet();
                            Status.Code code = Status.fromThrowable(t).getCode();
                            judge(endpoint, code, System.nanoTime() - started, t);
                            // Generate and Score have no side effects, so any failure of the worker's making
                            // (a crash resets streams: INTERNAL, or CANCELLED that the caller did not ask for)
                            // may be retried elsewhere, as long as nothing reached the client
                            boolean workerCouldNotServe = RETRYABLE.contains(code)
                                    || code == Status.Code.CANCELLED && !context.isCancelled();
                            if (!delivery.delivered() && workerCouldNotServe && attempt < attempts
                                    && !context.isCancelled() && budget.tryWithdraw()) {
                                Set<Endpoint> tried = new HashSet<>(excluded);
                                tried.add(endpoint);
                                delivery.reset();
                                start(tried, attempt + 1);
                                return;
                            }
                            finish(() -> out.onError(t));
                        }

                        @Override
                        public void onCompleted() {
                            endpoint.outstanding().decrementAndGet();
                            endpoint.breaker().onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                            finish(out::onCompleted);
                        }
                    }));
        }

        /** The breaker counts failures of the worker, not the caller's mistakes or impatience. */
        private void judge(Endpoint endpoint, Status.Code code, long nanos, Throwable t) {
            switch (code) {
                case UNAVAILABLE, INTERNAL, UNKNOWN, RESOURCE_EXHAUSTED ->
                        endpoint.breaker().onError(nanos, TimeUnit.NANOSECONDS, t);
                case CANCELLED, DEADLINE_EXCEEDED -> endpoint.breaker().releasePermission();
                default -> endpoint.breaker().onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
        }

        private void finish(Runnable end) {
            pool.bulkhead().onComplete();
            end.run();
        }
    }
}
