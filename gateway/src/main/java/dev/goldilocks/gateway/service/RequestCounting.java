package dev.goldilocks.gateway.service;

import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.Route;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts every call of the public service once, with the status its client saw (goldilocks_requests_total):
 * the outermost interceptor, so refusals at the door (API key, rate limit, overload) are counted too. A call
 * is counted when the transport is done with it: the status it sent when it completed, or, when the client
 * went away first, DEADLINE_EXCEEDED if the client's deadline had come and CANCELLED otherwise; whatever the
 * handler closed the call with after that, the client never saw. The handler tells the call's route,
 * once known, through {@link #route()}.
 */
public final class RequestCounting implements ServerInterceptor {

    /**
     * A cancellation that arrives this close to the client's deadline is the client's deadline: the client's
     * timer fires before the server's (its deadline started earlier), and both ends send the same RST_STREAM.
     */
    static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final Context.Key<CallRoute> ROUTE = Context.key("goldilocks-counted-route");

    /** Where the handler puts the call's route, for the labels it is counted with. */
    public static final class CallRoute {
        private volatile Route route = Route.getDefaultInstance();

        void set(Route r) {
            route = r;
        }
    }

    private static final Pattern WORD_BOUNDARY = Pattern.compile("([a-z])([A-Z])");

    private final GatewayMetrics metrics;
    /** The rpc label of each method, worked out once: String.replaceAll compiled a regex on every call. */
    private final Map<String, String> rpcs = new ConcurrentHashMap<>();

    public RequestCounting(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /** The current call's route holder; a detached one outside a counted call. */
    static CallRoute route() {
        CallRoute route = ROUTE.get();
        return route != null ? route : new CallRoute();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String rpc = rpcs.computeIfAbsent(call.getMethodDescriptor().getFullMethodName(),
                m -> rpc(call.getMethodDescriptor().getBareMethodName()));
        Traffic traffic = Traffic.of(headers);
        Deadline deadline = Context.current().getDeadline();
        CallRoute route = new CallRoute();
        AtomicReference<Status> sent = new AtomicReference<>();
        AtomicBoolean counted = new AtomicBoolean();
        ServerCall<Q, R> watched = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                sent.compareAndSet(null, status);
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(ROUTE, route), watched,
                headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                count(sent.get() == null ? Status.Code.OK : sent.get().getCode());
                super.onComplete();
            }

            @Override
            public void onCancel() {
                boolean deadlineCame = deadline != null
                        && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= DEADLINE_SLACK_NANOS;
                count(deadlineCame ? Status.Code.DEADLINE_EXCEEDED : Status.Code.CANCELLED);
                super.onCancel();
            }

            private void count(Status.Code code) {
                if (counted.compareAndSet(false, true)) {
                    metrics.requestEnded(traffic, rpc, route.route, code);
                }
            }
        };
    }

    /** The rpc label: GenerateStream is generate_stream. */
    static String rpc(String method) {
        return WORD_BOUNDARY.matcher(method).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    }
}
