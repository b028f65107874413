package dev.goldilocks.gateway.openai;

import dev.goldilocks.proto.v1.GenerateRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/** A gRPC generation's answer relayed to an HTTP exchange, which cancels the call if its client goes away. */
abstract class Relay<R> implements ClientResponseObserver<GenerateRequest, R> {

    final ResponseBodies.Header header;
    final Exchange exchange;

    Relay(ResponseBodies.Header header, Exchange exchange) {
        this.header = header;
        this.exchange = exchange;
    }

    @Override
    public final void beforeStart(ClientCallStreamObserver<GenerateRequest> call) {
        exchange.answeredBy(call);
    }

    /** The call's failure as the client's OpenAI error, naming the parameters it sent. */
    OpenAiError failure(Throwable t) {
        return GrpcErrors.toOpenAi(t, header.request()::param);
    }
}
