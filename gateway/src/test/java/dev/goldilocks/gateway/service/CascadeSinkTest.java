package dev.goldilocks.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.router.RouteDecision;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The cascade's first step: what it holds back, when it escalates, and what counts as delivered. */
class CascadeSinkTest {

    private static final RateLimitedLog OPERATOR = new RateLimitedLog(LoggerFactory.getLogger(CascadeSinkTest.class),
            Duration.ofSeconds(10));

    private static final RouteDecision.Escalation TO_GENERIC = new RouteDecision.Escalation("generic", -1.5);

    /** A client's stream: records what was sent to it. */
    private static final class Client implements GenerationSink {
        final List<String> sent = new ArrayList<>();
        final List<Route> routes = new ArrayList<>();
        GenerateResponse done;
        StatusRuntimeException error;

        @Override
        public void onRoute(Route route) {
            routes.add(route);
        }

        @Override
        public void onDelta(String text, List<Token> tokens) {
            sent.add(text);
        }

        @Override
        public boolean delivered() {
            return !sent.isEmpty();
        }

        @Override
        public void onDone(GenerateResponse response) {
            done = response;
        }

        @Override
        public void onError(StatusRuntimeException e) {
            error = e;
        }
    }

    private static GenerateResponse answer(String text, float... logprobs) {
        GenerateResponse.Builder r = GenerateResponse.newBuilder().setText(text)
                .setRoute(Route.newBuilder().setModel("math-specialist").setReason("domain hint"));
        for (float lp : logprobs) {
            r.addTokens(Token.newBuilder().setText("t").setLogprob(lp));
        }
        return r.build();
    }

    @Test
    void anEmptySpecialistAnswerEscalates() {
        Client client = new Client();
        List<GenerationSink> escalated = new ArrayList<>();
        CascadeSink cascade = new CascadeSink(client, TO_GENERIC, escalated::add);
        cascade.onRoute(Route.newBuilder().setModel("math-specialist").build());
        cascade.onDone(answer(""));
        assertThat(escalated).as("the generic model was asked").hasSize(1);
        assertThat(client.sent).isEmpty();
        assertThat(client.routes.get(0).getModel()).isEqualTo("generic");
        assertThat(client.routes.get(0).getReason()).contains("empty answer");
    }

    @Test
    void aConfidentAnswerIsReleasedAndALowOneEscalates() {
        Client kept = new Client();
        new CascadeSink(kept, TO_GENERIC, s -> { throw new AssertionError("escalated"); }).onDone(answer(" 85", -0.1f, -0.2f));
        assertThat(kept.sent).containsExactly(" 85");
        assertThat(kept.done.getText()).isEqualTo(" 85");
        Client low = new Client();
        List<GenerationSink> escalated = new ArrayList<>();
        CascadeSink cascade = new CascadeSink(low, TO_GENERIC, escalated::add);
        cascade.onRoute(Route.getDefaultInstance());
        cascade.onDone(answer(" 9", -3f, -4f));
        assertThat(escalated).hasSize(1);
        assertThat(low.sent).isEmpty();
    }

    /**
     * Text the cascade holds has not reached the client: it is not delivered, so the specialist's call may
     * still be retried, or fall back to the generic model when the specialist fails mid-answer.
     */
    @Test
    void heldTextIsNotDeliveredSoAFailureBeforeReleaseStillFallsBack() {
        Client client = new Client();
        CascadeSink cascade = new CascadeSink(client, TO_GENERIC, s -> { });
        List<GenerationSink> fallbacks = new ArrayList<>();
        FallbackSink fallback = new FallbackSink(cascade, client, "generic", fallbacks::add, OPERATOR);
        fallback.onRoute(Route.newBuilder().setModel("math-specialist").build());
        fallback.onDelta(" 8", List.of(Token.getDefaultInstance()));
        assertThat(fallback.delivered()).isFalse();
        fallback.onError(Failures.of(ErrorReason.MODEL_UNAVAILABLE, "model math-specialist: no worker reachable")
                .model("math-specialist").build());
        assertThat(client.error).as("not passed to the client").isNull();
        assertThat(fallbacks).as("handed to the generic model").hasSize(1);
        assertThat(client.routes.get(client.routes.size() - 1).getFallbackReason()).startsWith("MODEL_UNAVAILABLE: ");
    }

    @Test
    void streamedTextIsDeliveredAndAFailureAfterItReachesTheClient() {
        Client client = new Client();
        List<GenerationSink> fallbacks = new ArrayList<>();
        FallbackSink fallback = new FallbackSink(client, client, "generic", fallbacks::add, OPERATOR);
        fallback.onRoute(Route.getDefaultInstance());
        fallback.onDelta(" 8", List.of(Token.getDefaultInstance()));
        assertThat(fallback.delivered()).isTrue();
        fallback.onError(Failures.of(ErrorReason.MODEL_UNAVAILABLE, "model math-specialist: gone").build());
        assertThat(fallbacks).isEmpty();
        assertThat(client.error).isNotNull();
        assertThat(Failures.reason(client.error)).contains(ErrorReason.MODEL_UNAVAILABLE);
    }
}
