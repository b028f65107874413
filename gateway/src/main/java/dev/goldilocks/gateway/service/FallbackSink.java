package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.common.logging.RateLimitedLog;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A specialist that cannot serve (no worker reachable, or its queue full) before any of its text reached
 * the client hands the request to the generic model; the response says fallback=true and why (the failure's
 * reason and message). Once text has been delivered nothing is retried, so a client never sees a token twice;
 * text a cascade still holds back has not been delivered.
 */
final class FallbackSink extends ForwardingSink {

    private static final Set<Status.Code> FALL_BACK_ON = Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED);

    private final GenerationSink client;
    private final String generic;
    private final Consumer<GenerationSink> fallback;
    private final RateLimitedLog operator;
    private Route route;

    /**
     * @param next     where the chosen model's output goes (the client, or a cascade in front of it)
     * @param client   where the generic model's output goes after a fallback
     * @param fallback starts the same request on the generic model with the given sink
     */
    FallbackSink(GenerationSink next, GenerationSink client, String generic, Consumer<GenerationSink> fallback,
                 RateLimitedLog operator) {
        super(next);
        this.operator = operator;
        this.client = client;
        this.generic = generic;
        this.fallback = fallback;
    }

    @Override
    public void onRoute(Route r) {
        route = r;
        next.onRoute(r);
    }

    @Override
    public void onError(StatusRuntimeException error) {
        if (next.delivered() || !FALL_BACK_ON.contains(error.getStatus().getCode())) {
            next.onError(error);
            return;
        }
        String why = Failures.reason(error).map(Enum::name).orElse(error.getStatus().getCode().name()) + ": "
                + error.getStatus().getDescription();
        operator.warn("fallback:" + route.getModel(), "model {}: requests fall back to {} ({})", route.getModel(),
                generic, why);
        client.onRoute(route.toBuilder().setModel(generic).setFallback(true).setFallbackReason(why).build());
        fallback.accept(new ForwardingSink(client) {
            @Override
            public void onDone(GenerateResponse response) {
                GenerateResponse.Builder b = response.toBuilder();
                b.getRouteBuilder().setChosenModel(route.getModel()).setFallback(true).setFallbackReason(why);
                next.onDone(b.build());
            }
        });
    }
}
