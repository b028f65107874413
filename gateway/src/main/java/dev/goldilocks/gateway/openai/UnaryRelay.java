package dev.goldilocks.gateway.openai;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/** Generate as one JSON (chat) completion, with the route in headers and in the body's goldilocks object. */
final class UnaryRelay implements ClientResponseObserver<GenerateRequest, GenerateResponse> {

    private final ResponseBodies.Header header;
    private final Exchange exchange;

    UnaryRelay(ResponseBodies.Header header, Exchange exchange) {
        this.header = header;
        this.exchange = exchange;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<GenerateRequest> call) {
        exchange.answeredBy(call);
    }

    @Override
    public void onNext(GenerateResponse response) {
        exchange.json(200, RouteHeaders.of(response.getRequestId(), response.getRoute()),
                ResponseBodies.whole(header, response));
    }

    @Override
    public void onError(Throwable t) {
        exchange.error(GrpcErrors.toOpenAi(t, header.request()::param));
    }

    @Override
    public void onCompleted() {
        // the response went with onNext
    }
}
