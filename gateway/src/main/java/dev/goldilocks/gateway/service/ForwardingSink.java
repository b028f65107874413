package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Token;
import io.grpc.StatusRuntimeException;
import java.util.List;

/** A sink that passes everything on; wrappers override only what they change. */
class ForwardingSink implements GenerationSink {

    protected final GenerationSink next;

    ForwardingSink(GenerationSink next) {
        this.next = next;
    }

    @Override
    public void onRoute(Route route) {
        next.onRoute(route);
    }

    @Override
    public void onRequestId(String requestId) {
        next.onRequestId(requestId);
    }

    @Override
    public void onDelta(String text, List<Token> tokens) {
        next.onDelta(text, tokens);
    }

    @Override
    public boolean delivered() {
        return next.delivered();
    }

    @Override
    public void onDone(GenerateResponse response) {
        next.onDone(response);
    }

    @Override
    public void onError(StatusRuntimeException error) {
        next.onError(error);
    }
}
