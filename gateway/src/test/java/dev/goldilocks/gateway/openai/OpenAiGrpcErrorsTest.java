package dev.goldilocks.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import io.grpc.Status;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** gRPC statuses and their google.rpc details as OpenAI errors. */
class OpenAiGrpcErrorsTest {

    private static final UnaryOperator<String> CHAT = field -> switch (field) {
        case "prompt" -> "messages";
        case "params.max_new_tokens" -> "max_completion_tokens";
        default -> field;
    };

    @Test
    void aBadFieldIs400NamingTheClientsParameter() {
        OpenAiError e = GrpcErrors.toOpenAi(Failures.invalidField("params.max_new_tokens", "must be between 1 and 256,"
                + " got 0"), CHAT);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo("max_completion_tokens");
        assertThat(e.getMessage()).isEqualTo("max_completion_tokens: must be between 1 and 256, got 0");
        assertThat(e.retryAfter()).isNull();
    }

    @Test
    void aPromptOverTheContextIsContextLengthExceeded() {
        OpenAiError e = GrpcErrors.toOpenAi(Failures.of(ErrorReason.CONTEXT_TOO_LONG, "prompt: 300 tokens do not fit")
                .field("prompt", "300 tokens do not fit").model("generic").build(), CHAT);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("context_length_exceeded");
        assertThat(e.param()).isEqualTo("messages");
    }

    @Test
    void overloadIs429AndUnavailabilityIs503BothWithTheSuggestedWait() {
        OpenAiError full = GrpcErrors.toOpenAi(Failures.of(ErrorReason.MODEL_QUEUE_FULL, "model generic: queue full")
                .retryAfter(Duration.ofMillis(2500)).build(), CHAT);
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.code()).isEqualTo("model_queue_full");
        assertThat(full.retryAfter()).isEqualTo(Duration.ofMillis(2500));
        OpenAiError limited = GrpcErrors.toOpenAi(Failures.of(ErrorReason.KEY_RATE_LIMITED, "key a: over its rate")
                .build(), CHAT);
        assertThat(limited.code()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.retryAfter()).isEqualTo(Failures.DEFAULT_RETRY_DELAY);
        OpenAiError draining = GrpcErrors.toOpenAi(Failures.of(ErrorReason.SHUTTING_DOWN, "draining").build(), CHAT);
        assertThat(draining.status()).isEqualTo(503);
        assertThat(draining.code()).isEqualTo("shutting_down");
        assertThat(draining.retryAfter()).isEqualTo(Failures.DEFAULT_RETRY_DELAY);
        OpenAiError down = GrpcErrors.toOpenAi(Status.UNAVAILABLE.withDescription("io").asRuntimeException(), CHAT);
        assertThat(down.status()).as("a status without details, by its code").isEqualTo(503);
        assertThat(down.retryAfter()).isEqualTo(Failures.DEFAULT_RETRY_DELAY);
    }

    @Test
    void theOtherCodesMapToTheirHttpStatuses() {
        assertThat(GrpcErrors.toOpenAi(Failures.of(ErrorReason.DEADLINE_EXCEEDED, "late").build(), CHAT).status())
                .isEqualTo(504);
        assertThat(GrpcErrors.toOpenAi(Status.UNAUTHENTICATED.withDescription("no key").asRuntimeException(), CHAT)
                .code()).isEqualTo("invalid_api_key");
        OpenAiError notFound = GrpcErrors.toOpenAi(Failures.of(ErrorReason.MODEL_NOT_FOUND, "model: none").build(), CHAT);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.param()).isEqualTo("model");
        assertThat(GrpcErrors.toOpenAi(Failures.of(ErrorReason.POLICY_NOT_ALLOWED, "policy: no").build(), CHAT).status())
                .isEqualTo(403);
        assertThat(GrpcErrors.toOpenAi(Failures.of(ErrorReason.MODEL_FAILED, "boom").build(), CHAT).status())
                .isEqualTo(500);
    }
}
