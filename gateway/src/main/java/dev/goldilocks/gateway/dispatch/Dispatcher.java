package dev.goldilocks.gateway.dispatch;

import com.netflix.concurrency.limits.Limiter;
import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every model call goes through here: the model's concurrency limit (a call past it is refused at once),
 * then an endpoint chosen by two random choices on load among those whose breaker lets calls through
 * ({@link Attempt} follows the call, its failover and retries). The time limit is the call's deadline,
 * which the caller's deadline caps. Endpoints are workers or OpenAI-compatible servers alike.
 */
public final class Dispatcher {

    /** Retries of busy replicas that may be spent at once, before the budget refills at retry_budget_ratio per call. */
    private static final double RETRY_TOKENS = 20;

    private final WorkerPools pools;
    private final int attempts;
    private final RetryBudget budget;
    private final DispatchMetrics metrics;
    private final RateLimitedLog operator;
    private final Map<String, LoadShedding> shedding = new HashMap<>();

    public Dispatcher(WorkerPools pools, DispatchSettings settings, DispatchMetrics metrics, RateLimitedLog operator) {
        this.pools = pools;
        this.attempts = settings.retryAttempts();
        this.budget = new RetryBudget(settings.retryBudgetRatio(), RETRY_TOKENS);
        this.metrics = metrics;
        this.operator = operator;
        pools.pools().forEach(p -> shedding.put(p.model(), new LoadShedding(operator, "model " + p.model())));
    }

    /** What a retry must know of the caller: whether anything reached the client, and how to start over. */
    public interface Delivery {
        /** True once any output of this call reached the client: from then on it is never retried. */
        boolean delivered();

        /** Forget a failed attempt's partial output before the retry. */
        void reset();

        /**
         * Runs {@code requestNext} (which asks the worker for its next message) once the client can take
         * more: a client that does not read its stream slows its own generation, and nothing piles up here.
         */
        default void whenReady(Runnable requestNext) {
            requestNext.run();
        }

        /** True when the client held the stream back: then the call's latency says nothing about the model. */
        default boolean heldBack() {
            return false;
        }

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
        call(model, new Attempt.Rpc<>((backend, scope, observer) -> backend.generate(request, scope, observer),
                c -> c.hasTiming() ? Optional.of(c.getTiming()) : Optional.empty(), true), deadlineMillis, out, delivery);
    }

    public void score(String model, WorkerScoreRequest request, long deadlineMillis,
                      StreamObserver<WorkerScoreResponse> out) {
        call(model, new Attempt.Rpc<>((backend, scope, observer) -> backend.score(request, scope, observer),
                r -> Optional.of(r.getTiming()), false), deadlineMillis, out, Delivery.AT_END);
    }

    /**
     * The refusal a call of {@code model} would get now because the model is at its concurrency limit, if
     * it is: lets a caller refuse before doing any work for the call (classifying a pinned model's prompt).
     */
    public Optional<StatusRuntimeException> refuseIfSaturated(String model) {
        ModelPool pool = pools.pool(model);
        return pool.limiter().saturated() ? Optional.of(refuse(pool)) : Optional.empty();
    }

    /** Every model is at its concurrency limit: whatever the route, the call would be refused. */
    public boolean everyModelSaturated() {
        for (ModelPool pool : pools.pools()) {
            if (!pool.limiter().saturated()) {
                return false;
            }
        }
        return true;
    }

    private <T> void call(String model, Attempt.Rpc<T> rpc, long deadlineMillis, StreamObserver<T> out,
                          Delivery delivery) {
        ModelPool pool = pools.pool(model);
        Optional<Limiter.Listener> permit = pool.limiter().acquire();
        if (permit.isEmpty()) {
            out.onError(refuse(pool));
            return;
        }
        shedding.get(model).admitted();
        budget.deposit();
        new Attempt<>(this, pool, rpc, deadlineMillis, out, delivery, Context.current(), permit.get()).start();
    }

    private StatusRuntimeException refuse(ModelPool pool) {
        String why = pool.limiter().inFlight() + " calls in flight at this gateway, its concurrency limit "
                + pool.limiter().limit();
        metrics.shed(pool.model(), ErrorReason.MODEL_OVERLOADED);
        shedding.get(pool.model()).refused(why);
        return Failures.of(ErrorReason.MODEL_OVERLOADED, "model " + pool.model() + ": " + why + "; retry with backoff")
                .model(pool.model()).build();
    }

    int attempts() {
        return attempts;
    }

    RetryBudget budget() {
        return budget;
    }

    DispatchMetrics metrics() {
        return metrics;
    }

    RateLimitedLog operator() {
        return operator;
    }
}
