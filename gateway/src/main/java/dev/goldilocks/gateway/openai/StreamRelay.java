package dev.goldilocks.gateway.openai;

import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;

/**
 * GenerateStream as server-sent events. The HTTP status and headers wait for the stream's first message, so
 * a request refused before any text (unknown model, rate limit, overload) is a plain OpenAI error with its
 * own status; a failure after the first event is an error event, and the stream ends without [DONE].
 * gRPC delivers one call's callbacks one at a time, so the fields need no locking.
 */
final class StreamRelay extends Relay<GenerateChunk> {

    private boolean started;
    private String model = "";

    StreamRelay(ResponseBodies.Header header, Exchange exchange) {
        super(header, exchange);
    }

    @Override
    public void onNext(GenerateChunk chunk) {
        if (!started) {
            start(chunk.hasFinal() ? chunk.getFinal().getRoute() : chunk.getRoute(), chunk.getRequestId());
        }
        if (!chunk.getText().isEmpty()) {
            exchange.event(ResponseBodies.textChunk(header, model, chunk.getText()));
        }
        if (chunk.hasFinal()) {
            GenerateResponse whole = chunk.getFinal();
            exchange.event(ResponseBodies.finishChunk(header, whole));
            if (header.request().includeUsage()) {
                exchange.event(ResponseBodies.usageChunk(header, whole));
            }
        }
    }

    private void start(Route route, String requestId) {
        started = true;
        model = route.getModel();
        exchange.startEvents(RouteHeaders.of(requestId, route));
        if (header.request().kind() == Kind.CHAT) {
            exchange.event(ResponseBodies.roleChunk(header, model));
        }
    }

    @Override
    public void onError(Throwable t) {
        OpenAiError error = failure(t);
        if (!started) {
            exchange.error(error);
            return;
        }
        exchange.event(error.body());
        exchange.endEvents(false, Integer.toString(error.status()));
    }

    @Override
    public void onCompleted() {
        exchange.endEvents(true, "200");
    }
}
