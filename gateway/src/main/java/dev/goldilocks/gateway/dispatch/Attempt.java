package dev.goldilocks.gateway.dispatch;

import com.netflix.concurrency.limits.Limiter;
import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.backend.BackendObserver;
import dev.goldilocks.gateway.backend.CallScope;
import dev.goldilocks.gateway.backend.Demand;
import dev.goldilocks.gateway.backend.FailureKind;
import dev.goldilocks.gateway.backend.ModelBackend;
import dev.goldilocks.proto.v1.WorkerTiming;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One model call, from its first attempt to its end. A call whose replica went away (or is draining) before
 * anything reached the client moves to each other replica in turn, free; a call refused by a busy replica
 * is retried elsewhere at most retry_attempts attempts in all, paid from the retry budget, which protects a
 * struggling pool from retries multiplying its load. Each endpoint's breaker hears what the call says about
 * that endpoint, judging slowness by the compute time the backend reported (time spent queued is load, not
 * a fault); the model's concurrency limit hears the call's latency when it says something about the model.
 * Whether the endpoint is a worker or an HTTP server, only its {@link ModelBackend} knows.
 */
final class Attempt<T> {

    /** A backend call: how to start it, where its answer says how long the model computed, and if it streams. */
    record Rpc<T>(Call<T> invoke, Function<T, Optional<WorkerTiming>> timing, boolean streams) {
    }

    /** Starts the call on one endpoint's backend. */
    @FunctionalInterface
    interface Call<T> {
        void start(ModelBackend backend, CallScope scope, BackendObserver<T> out);
    }

    private final Dispatcher dispatcher;
    private final ModelPool pool;
    private final Rpc<T> rpc;
    private final long deadlineMillis;
    private final StreamObserver<T> out;
    private final Dispatcher.Delivery delivery;
    private final Context caller;
    private final Limiter.Listener permit;
    private final Set<Endpoint> tried = new HashSet<>();
    private final SplittableRandom random = new SplittableRandom();
    private final AtomicBoolean finished = new AtomicBoolean();
    private int busyAttempts;

    Attempt(Dispatcher dispatcher, ModelPool pool, Rpc<T> rpc, long deadlineMillis, StreamObserver<T> out,
            Dispatcher.Delivery delivery, Context caller, Limiter.Listener permit) {
        this.dispatcher = dispatcher;
        this.pool = pool;
        this.rpc = rpc;
        this.deadlineMillis = deadlineMillis;
        this.out = out;
        this.delivery = delivery;
        this.caller = caller;
        this.permit = permit;
    }

    void start() {
        ModelPool.Choice choice = pool.choose(tried, random);
        if (choice.endpoint().isEmpty()) {
            end(permit::onIgnore, () -> out.onError(Failures.of(ErrorReason.MODEL_UNAVAILABLE, choice.refusal())
                    .model(pool.model()).build()));
            return;
        }
        Endpoint endpoint = choice.endpoint().get();
        if (choice.trial()) {
            dispatcher.operator().info("trial:" + pool.model(), "model {}: every endpoint's breaker is open; a trial"
                    + " call goes to {}", pool.model(), endpoint.address());
        }
        tried.add(endpoint);
        endpoint.callStarted(pool.model());
        // the caller's Context carries its cancellation to every attempt; its deadline caps each one's
        Deadline deadline = Deadline.after(deadlineMillis, TimeUnit.MILLISECONDS);
        if (caller.getDeadline() != null) {
            deadline = deadline.minimum(caller.getDeadline());
        }
        rpc.invoke().start(endpoint.backend(), new CallScope(caller, deadline), new Observer(endpoint));
    }

    /** The backend's answers to one attempt. */
    private final class Observer implements BackendObserver<T> {
        private final Endpoint endpoint;
        private Demand demand = n -> { };
        private WorkerTiming timing = WorkerTiming.getDefaultInstance();

        Observer(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void onStart(Demand streamDemand) {
            this.demand = streamDemand;
        }

        @Override
        public void onNext(T message) {
            rpc.timing().apply(message).ifPresent(t -> timing = t);
            out.onNext(message);
            if (rpc.streams()) {
                delivery.whenReady(() -> demand.request(1)); // the next message only when the client can take it
            }
        }

        @Override
        public void onError(Throwable t, FailureKind reported) {
            endpoint.callEnded(pool.model());
            FailureKind failure = caller.isCancelled() ? FailureKind.CALLER_LEFT : reported;
            if (failure.endpointFault()) {
                endpoint.breaker().onError(0, TimeUnit.NANOSECONDS, t);
            } else {
                endpoint.breaker().releasePermission();
            }
            if (!delivery.delivered() && mayMove(failure, t)) {
                delivery.reset();
                start();
                return;
            }
            // a worker's transport failure has no reason of its own: it is told as the model being unreachable
            boolean bare = failure == FailureKind.TRANSPORT && Failures.reason(t).isEmpty();
            end(() -> release(failure), () -> out.onError(bare ? unreachable(t) : t));
        }

        @Override
        public void onCompleted() {
            endpoint.callEnded(pool.model());
            endpoint.breaker().onSuccess((long) (timing.getComputeSeconds() * 1e9), TimeUnit.NANOSECONDS);
            end(delivery.heldBack() ? permit::onIgnore : permit::onSuccess, out::onCompleted);
        }

        /** Whether the failed call goes on elsewhere; says so in metrics and, rate-limited, in the log. */
        private boolean mayMove(FailureKind failure, Throwable t) {
            String model = pool.model();
            boolean elsewhere = pool.endpoints().stream().anyMatch(e -> !tried.contains(e));
            switch (failure.move()) {
                case FAILOVER -> {
                    if (elsewhere) {
                        dispatcher.metrics().retried(model, FailureKind.Move.FAILOVER);
                        dispatcher.operator().warn("failover:" + model, "model {}: a call moves on from {} after {}",
                                model, endpoint.address(), describe(t));
                        return true;
                    }
                    return false;
                }
                case RETRY -> {
                    // with no other endpoint the client hears the busy one's answer (and its retry delay)
                    if (!elsewhere || ++busyAttempts >= dispatcher.attempts()) {
                        return false;
                    }
                    if (!dispatcher.budget().tryWithdraw()) {
                        dispatcher.metrics().budgetExhausted(model);
                        dispatcher.operator().warn("budget:" + model, "model {}: retry budget exhausted; a call"
                                + " refused by a busy replica ({}) is not retried", model, endpoint.address());
                        return false;
                    }
                    dispatcher.metrics().retried(model, FailureKind.Move.RETRY);
                    return true;
                }
                default -> {
                    return false;
                }
            }
        }

        /** A transport failure the call could not move away from, named as the model being unreachable. */
        private Throwable unreachable(Throwable t) {
            return Failures.of(ErrorReason.MODEL_UNAVAILABLE, "model " + pool.model() + ": no worker reachable ("
                    + endpoint.address() + ": " + describe(t) + ")").model(pool.model()).build();
        }
    }

    /** What the concurrency limit learns from a failed call: only a late one says the model is overloaded. */
    private void release(FailureKind failure) {
        switch (failure) {
            case QUEUE_TIMEOUT, DEADLINE -> permit.onDropped();
            default -> permit.onIgnore();
        }
    }

    private void end(Runnable limiter, Runnable answer) {
        if (finished.compareAndSet(false, true)) {
            limiter.run();
            answer.run();
        }
    }

    private static String describe(Throwable t) {
        Status s = Status.fromThrowable(t);
        return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }
}
