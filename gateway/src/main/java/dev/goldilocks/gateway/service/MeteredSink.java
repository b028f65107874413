package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Token;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;

/** Counts how each generation request ended, with its final route, latency and cost. */
final class MeteredSink implements GenerationSink {

    private final GenerationSink client;
    private final GatewayMetrics metrics;
    private final String rpc;
    private Route route = Route.getDefaultInstance();

    MeteredSink(GenerationSink client, GatewayMetrics metrics, String rpc) {
        this.client = client;
        this.metrics = metrics;
        this.rpc = rpc;
    }

    @Override
    public void onRoute(Route r) {
        route = r;
        client.onRoute(r);
    }

    @Override
    public void onRequestId(String requestId) {
        client.onRequestId(requestId);
    }

    @Override
    public void onDelta(String text, List<Token> tokens) {
        client.onDelta(text, tokens);
    }

    @Override
    public void onDone(GenerateResponse response) {
        metrics.requestEnded(rpc, response.getRoute(), Status.Code.OK);
        metrics.requestTimed(rpc, response.getRoute(), response.getTiming());
        metrics.requestCost(response.getRoute(), response.getUsage().getCostUsd());
        client.onDone(response);
    }

    @Override
    public void onError(StatusRuntimeException error) {
        metrics.requestEnded(rpc, route, error.getStatus().getCode());
        client.onError(error);
    }
}
