package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Token;
import io.grpc.StatusRuntimeException;
import java.util.List;

/** Where a generation's output goes: accumulated for Generate, forwarded for GenerateStream. */
interface GenerationSink {

    /** The route as known before the first text; a stream sends it on its first chunk. */
    default void onRoute(dev.goldilocks.proto.v1.Route route) {
    }

    /** The signed id of the model call whose output follows (a fallback or escalation issues a new one). */
    default void onRequestId(String requestId) {
    }

    void onDelta(String text, List<Token> tokens);

    /**
     * True once output reached the client (sent on its stream): from then on the request is never retried or
     * handed to another model, so a client never sees a token twice. Text a sink still holds back (a
     * cascade's first answer, a unary response) has not been delivered.
     */
    default boolean delivered() {
        return false;
    }

    void onDone(GenerateResponse response);

    void onError(StatusRuntimeException error);
}
