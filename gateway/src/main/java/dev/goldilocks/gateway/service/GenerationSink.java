package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Token;
import io.grpc.StatusRuntimeException;
import java.util.List;

/** Where a generation's output goes: accumulated for Generate, forwarded for GenerateStream. */
interface GenerationSink {

    void onDelta(String text, List<Token> tokens);

    void onDone(GenerateResponse response);

    void onError(StatusRuntimeException error);
}
