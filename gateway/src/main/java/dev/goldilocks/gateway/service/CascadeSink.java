package dev.goldilocks.gateway.service;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.router.RouteDecision;
import java.util.List;
import java.util.function.Consumer;

/**
 * The cascade policy's first step: the specialist's answer is held back until it is complete; if its mean
 * token log-probability reaches the bound it is released, otherwise (and always when the answer is empty)
 * the generic model answers instead and the response counts both calls' costs. Nothing of a discarded
 * answer ever reaches the client, and held text is not delivered: until it is released, the first call may
 * still be retried or fall back.
 */
final class CascadeSink extends ForwardingSink {

    private final RouteDecision.Escalation escalation;
    private final Consumer<GenerationSink> escalate;
    private Route firstRoute;
    private volatile boolean released;

    /** @param escalate starts the escalated call with the given sink */
    CascadeSink(GenerationSink client, RouteDecision.Escalation escalation, Consumer<GenerationSink> escalate) {
        super(client);
        this.escalation = escalation;
        this.escalate = escalate;
    }

    @Override
    public void onRoute(Route route) {
        firstRoute = route; // sent with the first text, once it is known whose text that is
    }

    @Override
    public void onDelta(String text, List<Token> tokens) {
        // held: the whole answer is in the response that onDone receives
    }

    @Override
    public boolean delivered() {
        return released && next.delivered();
    }

    @Override
    public void onDone(GenerateResponse first) {
        released = true;
        double mean = first.getTokensList().stream().mapToDouble(Token::getLogprob).average().orElse(Double.NaN);
        if (!escalation.escalates(mean, first.getTokensCount())) {
            next.onRoute(firstRoute);
            next.onDelta(first.getText(), first.getTokensList());
            GenerateResponse.Builder kept = first.toBuilder();
            kept.getRouteBuilder().setReason(first.getRoute().getReason()
                    + String.format("; mean logprob %.2f >= %.2f: kept", mean, escalation.minMeanLogprob()));
            next.onDone(kept.build());
            return;
        }
        String why = first.getTokensCount() == 0
                ? String.format("; %s gave an empty answer: escalated to %s", first.getRoute().getModel(),
                        escalation.model())
                : String.format("; %s mean logprob %.2f < %.2f: escalated to %s", first.getRoute().getModel(), mean,
                        escalation.minMeanLogprob(), escalation.model());
        next.onRoute(firstRoute.toBuilder().setModel(escalation.model()).setReason(firstRoute.getReason() + why).build());
        escalate.accept(new ForwardingSink(next) {
            @Override
            public void onDone(GenerateResponse second) {
                GenerateResponse.Builder merged = second.toBuilder();
                merged.getRouteBuilder().setChosenModel(first.getRoute().getModel())
                        .setReason(first.getRoute().getReason() + why);
                merged.getUsageBuilder().setCostUsd(first.getUsage().getCostUsd() + second.getUsage().getCostUsd());
                next.onDone(merged.build());
            }
        });
    }
}
