package dev.goldilocks.gateway.service;

import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;

/**
 * Tells the request counter each generation request's route as it becomes known (a fallback changes it),
 * and records the latency and cost of those that succeed. The final status is counted by
 * {@link RequestCounting}, as the client saw it.
 */
final class MeteredSink extends ForwardingSink {

    private final GatewayMetrics metrics;
    private final String rpc;
    private final Traffic traffic;
    private final RequestCounting.CallRoute counted;

    MeteredSink(GenerationSink client, GatewayMetrics metrics, String rpc, Traffic traffic,
                RequestCounting.CallRoute counted) {
        super(client);
        this.metrics = metrics;
        this.rpc = rpc;
        this.traffic = traffic;
        this.counted = counted;
    }

    @Override
    public void onRoute(Route r) {
        counted.set(r);
        next.onRoute(r);
    }

    @Override
    public void onDone(GenerateResponse response) {
        counted.set(response.getRoute());
        metrics.requestTimed(traffic, rpc, response.getRoute(), response.getTiming());
        metrics.requestCost(traffic, response.getRoute(), response.getUsage().getCostUsd());
        next.onDone(response);
    }
}
