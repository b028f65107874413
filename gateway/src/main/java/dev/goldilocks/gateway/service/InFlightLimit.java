package dev.goldilocks.gateway.service;

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
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Load shedding: at most {@code max} calls of the public service in flight per gateway; past that a call
 * is refused at once with RESOURCE_EXHAUSTED, before any work, instead of queueing until memory runs out.
 * The gateway's own probe and shadow traffic is low priority: it is admitted only while fewer than half of
 * the permits are taken. The call's traffic class is put in its Context for metrics.
 */
public final class InFlightLimit implements ServerInterceptor {

    private final int max;
    private final Semaphore permits;

    public InFlightLimit(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    public int inFlight() {
        return max - permits.availablePermits();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Traffic traffic = Traffic.of(headers);
        if (traffic != Traffic.CLIENT && inFlight() >= max / 2) {
            call.close(Status.RESOURCE_EXHAUSTED.withDescription("gateway busy: " + traffic.label()
                    + " traffic waits for a quieter moment"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        if (!permits.tryAcquire()) {
            call.close(Status.RESOURCE_EXHAUSTED.withDescription("gateway overloaded: " + max
                    + " requests in flight; retry with backoff"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
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
}
