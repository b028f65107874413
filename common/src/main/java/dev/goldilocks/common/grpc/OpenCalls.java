package dev.goldilocks.common.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The calls a server has open, so that its drain can wait for them, end with one clear status what the
 * grace period leaves, and count both. Health and reflection streams are open too, but they are not work:
 * a drain does not wait for an open health Watch, it ends it.
 *
 * <p>Streams are counted where the transport creates them ({@link #streams()}), because a call the
 * transport accepted reaches this interceptor only once the handler executor runs it: a drain that counted
 * only intercepted calls could close the connection under one. Each intercepted call is wrapped so that
 * ending it from the drain's thread is safe: the wrapper serializes what is sent on the call, and once the
 * call is closed, later messages and a later close from its handler are dropped (the handler may still be
 * answering when the drain ends the call). Once the drain has ended the open calls, a call that reaches
 * the interceptor later is ended at once.
 */
final class OpenCalls implements ServerInterceptor {

    private static final Set<String> NOT_WORK = Set.of(HealthGrpc.SERVICE_NAME,
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

    private final Set<Tracked<?, ?>> open = ConcurrentHashMap.newKeySet();
    private final Object changed = new Object();
    private final AtomicInteger workStreams = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private volatile boolean counting;
    private volatile Supplier<StatusRuntimeException> ending;

    /** Counts streams as the transport opens and closes them; add it to the server builder. */
    ServerStreamTracer.Factory streams() {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                boolean work = isWork(MethodDescriptor.extractFullServiceName(fullMethodName));
                if (work) {
                    workStreams.incrementAndGet();
                }
                return new ServerStreamTracer() {
                    @Override
                    public void streamClosed(Status status) {
                        if (work) {
                            workStreams.decrementAndGet();
                            signal();
                        }
                    }
                };
            }
        };
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Tracked<Q, R> tracked = new Tracked<>(call, isWork(call.getMethodDescriptor().getServiceName()));
        open.add(tracked);
        Supplier<StatusRuntimeException> end = ending;
        if (end != null) {
            tracked.end(end.get()); // it arrived after the drain ended the others
            ended(tracked);
            return new ServerCall.Listener<>() { };
        }
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(tracked, headers);
        } catch (RuntimeException e) {
            ended(tracked);
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    ended(tracked);
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    ended(tracked);
                }
            }
        };
    }

    /** From now on, calls that end are counted as finished or cancelled (SHUTTING_DOWN). */
    void startCounting() {
        counting = true;
    }

    /** Work calls open now (streams the transport has open, health and reflection aside). */
    int work() {
        return workStreams.get();
    }

    int finished() {
        return finished.get();
    }

    int cancelled() {
        return cancelled.get();
    }

    /** Waits until no work call is open; false when {@code deadlineNanos} (System.nanoTime) passed first. */
    boolean awaitNoWork(long deadlineNanos) throws InterruptedException {
        synchronized (changed) {
            while (workStreams.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(changed, left);
            }
            return true;
        }
    }

    /**
     * Ends every open call, and every call that arrives from now on, with the status {@code failure} makes
     * (one per call: trailers are not shared).
     */
    void endAll(Supplier<StatusRuntimeException> failure) {
        ending = failure;
        for (Tracked<?, ?> call : open) {
            call.end(failure.get());
        }
    }

    private void ended(Tracked<?, ?> call) {
        if (open.remove(call) && call.work && counting) {
            (call.shutDown() ? cancelled : finished).incrementAndGet();
        }
    }

    private void signal() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    private static boolean isWork(String service) {
        return service == null || !NOT_WORK.contains(service);
    }

    private static final class Tracked<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

        final boolean work;
        private boolean closed;
        private boolean shutDown;

        Tracked(ServerCall<Q, R> call, boolean work) {
            super(call);
            this.work = work;
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void request(int numMessages) {
            if (!closed) {
                super.request(numMessages);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (closed) {
                return;
            }
            closed = true;
            shutDown = status.getCode() == Status.Code.UNAVAILABLE
                    && Failures.reason(status.asRuntimeException(trailers)).filter(ErrorReason.SHUTTING_DOWN::equals)
                    .isPresent();
            super.close(status, trailers);
        }

        synchronized void end(StatusRuntimeException failure) {
            close(failure.getStatus(), Failures.trailers(failure));
        }

        synchronized boolean shutDown() {
            return shutDown;
        }
    }
}
