package dev.goldilocks.gateway.service;

import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Counts how each generation request ended, with its final route, latency and cost. */
final class MeteredSink extends ForwardingSink {

    private final GatewayMetrics metrics;
    private final String rpc;
    private final Traffic traffic;
    private Route route = Route.getDefaultInstance();

    MeteredSink(GenerationSink client, GatewayMetrics metrics, String rpc, Traffic traffic) {
        super(client);
        this.metrics = metrics;
        this.rpc = rpc;
        this.traffic = traffic;
    }

    @Override
    public void onRoute(Route r) {
        route = r;
        next.onRoute(r);
    }

    @Override
    public void onDone(GenerateResponse response) {
        metrics.requestEnded(traffic, rpc, response.getRoute(), Status.Code.OK);
        metrics.requestTimed(traffic, rpc, response.getRoute(), response.getTiming());
        metrics.requestCost(traffic, response.getRoute(), response.getUsage().getCostUsd());
        next.onDone(response);
    }

    @Override
    public void onError(StatusRuntimeException error) {
        metrics.requestEnded(traffic, rpc, route, error.getStatus().getCode());
        next.onError(error);
    }
}
