package dev.goldilocks.gateway.service;

import dev.goldilocks.gateway.decisions.DecisionTrace;
import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Token;
import io.grpc.StatusRuntimeException;
import java.util.List;

/**
 * Measures each generation request at the client's end of the sink chain: tells the request counter its route
 * as it becomes known (a fallback changes it), records the latency and cost of those that succeed, and, once the
 * client has its answer or its error, hands the request's row to the decision log (which never blocks). The
 * final status is counted by {@link RequestCounting}, as the client saw it.
 */
final class MeteredSink extends ForwardingSink {

    private final GatewayMetrics metrics;
    private final String rpc;
    private final Traffic traffic;
    private final RequestCounting.CallRoute counted;
    private final DecisionTrace trace;

    MeteredSink(GenerationSink client, GatewayMetrics metrics, String rpc, Traffic traffic,
                RequestCounting.CallRoute counted, DecisionTrace trace) {
        super(client);
        this.metrics = metrics;
        this.rpc = rpc;
        this.traffic = traffic;
        this.counted = counted;
        this.trace = trace;
    }

    @Override
    public void onRoute(Route r) {
        counted.set(r);
        trace.route(r);
        next.onRoute(r);
    }

    @Override
    public void onRequestId(String requestId) {
        trace.requestId(requestId);
        next.onRequestId(requestId);
    }

    @Override
    public void onDelta(String text, List<Token> tokens) {
        trace.delta();
        next.onDelta(text, tokens);
    }

    @Override
    public void onError(StatusRuntimeException error) {
        next.onError(error);
        trace.failed(error);
    }

    @Override
    public void onDone(GenerateResponse response) {
        counted.set(response.getRoute());
        metrics.requestTimed(traffic, rpc, response.getRoute(), response.getTiming());
        metrics.requestCost(traffic, response.getRoute(), response.getUsage().getCostUsd());
        next.onDone(response);
        trace.answered(response);
    }
}
