package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Counts how each generation request ended, with its final route, latency and cost. */
final class MeteredSink extends ForwardingSink {

    private final GatewayMetrics metrics;
    private final String rpc;
    private Route route = Route.getDefaultInstance();

    MeteredSink(GenerationSink client, GatewayMetrics metrics, String rpc) {
        super(client);
        this.metrics = metrics;
        this.rpc = rpc;
    }

    @Override
    public void onRoute(Route r) {
        route = r;
        next.onRoute(r);
    }

    @Override
    public void onDone(GenerateResponse response) {
        metrics.requestEnded(rpc, response.getRoute(), Status.Code.OK);
        metrics.requestTimed(rpc, response.getRoute(), response.getTiming());
        metrics.requestCost(response.getRoute(), response.getUsage().getCostUsd());
        next.onDone(response);
    }

    @Override
    public void onError(StatusRuntimeException error) {
        metrics.requestEnded(rpc, route, error.getStatus().getCode());
        next.onError(error);
    }
}
