package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.dispatch.DispatchMetrics;
import dev.goldilocks.gateway.dispatch.LoadShedding;
import dev.goldilocks.gateway.quality.Traffic;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The gateway's door, before any work for a call (no validation, classification or tokenization): a call is
 * refused at once with RESOURCE_EXHAUSTED when the gateway has {@code max} calls in flight (a bound on its
 * memory and threads), or, for a call that runs a model, when every model is at its concurrency limit (it
 * would be refused after routing whatever the route). The gateway's own probe and shadow traffic is low
 * priority: admitted only while fewer than half of the permits are taken. Each model's own limit is checked
 * after routing ({@link dev.goldilocks.gateway.dispatch.Dispatcher}). The call's traffic class is put in its
 * Context for metrics.
 */
public final class GatewayAdmission implements ServerInterceptor {

    /** The public methods that run a model. */
    private static final Set<String> MODEL_CALLS = Set.of("Generate", "GenerateStream", "Score");

    private final int max;
    private final Semaphore permits;
    private final BooleanSupplier everyModelSaturated;
    private final DispatchMetrics metrics;
    private final LoadShedding shedding;

    public GatewayAdmission(int max, BooleanSupplier everyModelSaturated, DispatchMetrics metrics,
                            LoadShedding shedding) {
        this.max = max;
        this.permits = new Semaphore(max);
        this.everyModelSaturated = everyModelSaturated;
        this.metrics = metrics;
        this.shedding = shedding;
    }

    public int inFlight() {
        return max - permits.availablePermits();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Traffic traffic = Traffic.of(headers);
        if (traffic != Traffic.CLIENT && inFlight() >= max / 2) {
            return refuse(call, Failures.of(ErrorReason.LOW_PRIORITY_SHED, "gateway busy: " + traffic.label()
                    + " traffic waits for a quieter moment").build());
        }
        if (MODEL_CALLS.contains(call.getMethodDescriptor().getBareMethodName()) && everyModelSaturated.getAsBoolean()) {
            return refuse(call, overloaded("every model is at its concurrency limit"));
        }
        if (!permits.tryAcquire()) {
            return refuse(call, overloaded(max + " calls in flight, the gateway's limit (limits.max_in_flight)"));
        }
        shedding.admitted();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                permits.release();
            }
        };
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                release.run();
                super.close(status, trailers);
            }
        };
        try {
            Context context = Context.current().withValue(Traffic.CONTEXT, traffic);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                    Contexts.interceptCall(context, counted, headers, next)) {
                @Override
                public void onCancel() {
                    release.run();
                    super.onCancel();
                }
            };
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    private StatusRuntimeException overloaded(String why) {
        shedding.refused(why);
        return Failures.of(ErrorReason.GATEWAY_OVERLOADED, "gateway overloaded: " + why + "; retry with backoff").build();
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException refusal) {
        metrics.shed(DispatchMetrics.NO_MODEL, Failures.reason(refusal).orElseThrow());
        call.close(refusal.getStatus(), Failures.trailers(refusal));
        return new ServerCall.Listener<>() { };
    }
}
