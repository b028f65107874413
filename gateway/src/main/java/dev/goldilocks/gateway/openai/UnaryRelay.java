package dev.goldilocks.gateway.openai;

import dev.goldilocks.proto.v1.GenerateResponse;

/** Generate as one JSON (chat) completion, with the route in headers and in the body's goldilocks object. */
final class UnaryRelay extends Relay<GenerateResponse> {

    UnaryRelay(ResponseBodies.Header header, Exchange exchange) {
        super(header, exchange);
    }

    @Override
    public void onNext(GenerateResponse response) {
        exchange.json(200, RouteHeaders.of(response.getRequestId(), response.getRoute()),
                ResponseBodies.whole(header, response));
    }

    @Override
    public void onError(Throwable t) {
        exchange.error(failure(t));
    }

    @Override
    public void onCompleted() {
        // the response went with onNext
    }
}
