package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.router.RouteDecision;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The cascade policy's first step: the specialist's answer is held back until it is complete; if its mean
 * token log-probability reaches the bound it is released, otherwise the generic model answers instead and
 * the response counts both calls' costs. Nothing of a discarded answer ever reaches the client.
 */
final class CascadeSink implements GenerationSink {

    private record Delta(String text, List<Token> tokens) {
    }

    private final GenerationSink client;
    private final RouteDecision.Escalation escalation;
    private final Consumer<GenerationSink> escalate;
    private final List<Delta> held = new ArrayList<>();
    private Route firstRoute;

    /** @param escalate starts the escalated call with the given sink */
    CascadeSink(GenerationSink client, RouteDecision.Escalation escalation, Consumer<GenerationSink> escalate) {
        this.client = client;
        this.escalation = escalation;
        this.escalate = escalate;
    }

    @Override
    public void onRoute(Route route) {
        firstRoute = route;
    }

    @Override
    public void onRequestId(String requestId) {
        client.onRequestId(requestId);
    }

    @Override
    public void onDelta(String text, List<Token> tokens) {
        held.add(new Delta(text, tokens));
    }

    @Override
    public void onDone(GenerateResponse first) {
        double mean = first.getTokensList().stream().mapToDouble(Token::getLogprob).average().orElse(0);
        if (mean >= escalation.minMeanLogprob()) {
            client.onRoute(firstRoute);
            held.forEach(d -> client.onDelta(d.text(), d.tokens()));
            client.onDone(withReason(first, String.format("; mean logprob %.2f >= %.2f: kept", mean,
                    escalation.minMeanLogprob())));
            return;
        }
        String why = String.format("; %s mean logprob %.2f < %.2f: escalated to %s", first.getRoute().getModel(), mean,
                escalation.minMeanLogprob(), escalation.model());
        client.onRoute(firstRoute.toBuilder().setModel(escalation.model())
                .setReason(firstRoute.getReason() + why).build());
        escalate.accept(new GenerationSink() {
            @Override
            public void onRequestId(String requestId) {
                client.onRequestId(requestId);
            }

            @Override
            public void onDelta(String text, List<Token> tokens) {
                client.onDelta(text, tokens);
            }

            @Override
            public void onDone(GenerateResponse second) {
                GenerateResponse.Builder merged = second.toBuilder();
                merged.getRouteBuilder().setChosenModel(first.getRoute().getModel())
                        .setReason(first.getRoute().getReason() + why);
                merged.getUsageBuilder().setCostUsd(first.getUsage().getCostUsd() + second.getUsage().getCostUsd());
                client.onDone(merged.build());
            }

            @Override
            public void onError(StatusRuntimeException error) {
                client.onError(error);
            }
        });
    }

    @Override
    public void onError(StatusRuntimeException error) {
        client.onError(error);
    }

    private static GenerateResponse withReason(GenerateResponse r, String suffix) {
        GenerateResponse.Builder b = r.toBuilder();
        b.getRouteBuilder().setReason(r.getRoute().getReason() + suffix);
        return b.build();
    }
}
