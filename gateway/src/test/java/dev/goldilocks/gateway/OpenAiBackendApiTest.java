package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.OpenAiBackendSettings;
import dev.goldilocks.gateway.config.OpenAiHttpSettings;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ListModelsRequest;
import dev.goldilocks.proto.v1.ModelInfo;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.proto.v1.Token;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway whose models are served by a real OpenAI-compatible server: the all-in-one's own HTTP surface
 * stands in for vLLM (completions for the generic model, chat for the math specialist). Answers, usage and
 * cost are the server's; log-probabilities reach the cascade; a specialist whose server is down falls back;
 * the server's failures reach the client as documented statuses; the client's cancellation and deadline
 * reach the server's model.
 */
class OpenAiBackendApiTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static final String SUM = "What is 47 + 38?";
    private static final String BEGINNING = "In the beginning";
    private static AllInOne all;
    private static ManagedChannel direct;
    private static Replica front;

    @BeforeAll
    static void start() throws Exception {
        all = AllInOne.start(MODELS, "127.0.0.1", 0, -1);
        direct = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
        String server = all.openAiUrl();
        Map<String, OpenAiBackendSettings> backends = Map.of(
                "generic", new OpenAiBackendSettings(server, "generic", false, Optional.empty()),
                "math-specialist", new OpenAiBackendSettings(server, "math-specialist", true, Optional.empty()),
                "code-specialist", new OpenAiBackendSettings("http://127.0.0.1:" + freePort() + "/v1", "code-specialist",
                        false, Optional.empty()),
                "legal-specialist", new OpenAiBackendSettings(server, "no-such-model", false, Optional.empty()));
        front = new Replica(all.gatewayConfig().withModels(served(backends)).withMetricsPort(0));
    }

    @AfterAll
    static void stop() throws Exception {
        front.close();
        direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        all.close();
    }

    /** The all-in-one's models, those named in {@code backends} served by that OpenAI-compatible server. */
    private static List<ModelRoute> served(Map<String, OpenAiBackendSettings> backends) {
        return all.gatewayConfig().models().stream().map(m -> backends.containsKey(m.name())
                ? ModelRoute.openAi(m.name(), m.role(), m.domain(), backends.get(m.name()), m.price(), m.prior()) : m)
                .toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static GenerateRequest.Builder greedy(String model, String prompt, int maxTokens) {
        return GenerateRequest.newBuilder().setModel(model).setPrompt(prompt).setParams(GenerationParams.newBuilder()
                .setMaxNewTokens(maxTokens).setTemperature(0));
    }

    private static GoldilocksGrpc.GoldilocksBlockingStub server() {
        return GoldilocksGrpc.newBlockingStub(direct).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static GoldilocksGrpc.GoldilocksBlockingStub via(Replica gateway) {
        return gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void generationsThroughTheServerAreItsAnswersWithItsUsageAndTheirCost() throws Exception {
        GenerateResponse served = server().generate(greedy("generic", BEGINNING, 12).build());
        double tokensBefore = front.metric("goldilocks_model_tokens_total{domain=\"prose\",kind=\"completion\","
                + "model=\"generic\"}");
        double costBefore = front.metric("goldilocks_model_cost_usd_total{domain=\"prose\",model=\"generic\"}");

        GenerateResponse unary = via(front).generate(greedy("generic", BEGINNING, 12).setDomainHint("prose").build());
        List<GenerateChunk> chunks = new ArrayList<>();
        via(front).generateStream(greedy("generic", BEGINNING, 12).setDomainHint("prose").build())
                .forEachRemaining(chunks::add);

        for (GenerateResponse r : List.of(unary, chunks.get(chunks.size() - 1).getFinal())) {
            assertThat(r.getText()).isEqualTo(served.getText());
            assertThat(r.getFinishReason()).isEqualTo(served.getFinishReason());
            assertThat(r.getUsage().getPromptTokens()).isEqualTo(served.getUsage().getPromptTokens());
            assertThat(r.getUsage().getCompletionTokens()).isEqualTo(served.getUsage().getCompletionTokens());
            double price = all.gatewayConfig().models().stream().filter(m -> m.name().equals("generic")).findFirst()
                    .orElseThrow().price().cost(served.getUsage().getPromptTokens(),
                            served.getUsage().getCompletionTokens());
            assertThat(r.getUsage().getCostUsd()).as("the model's price for the server's token counts")
                    .isPositive().isCloseTo(price, within(1e-15));
            assertThat(r.getRoute().getModel()).isEqualTo("generic");
            assertThat(r.getTiming().getComputeSeconds()).as("the server call's time").isPositive();
        }
        List<String> texts = chunks.stream().map(GenerateChunk::getText).filter(t -> !t.isEmpty()).toList();
        assertThat(texts).as("streamed as the server streamed it").hasSizeGreaterThan(1);
        assertThat(String.join("", texts)).isEqualTo(served.getText());
        int completion = served.getUsage().getCompletionTokens();
        assertThat(front.metric("goldilocks_model_tokens_total{domain=\"prose\",kind=\"completion\",model=\"generic\"}")
                - tokensBefore).as("tokens counted per model").isEqualTo(2.0 * completion);
        assertThat(front.metric("goldilocks_model_cost_usd_total{domain=\"prose\",model=\"generic\"}") - costBefore)
                .as("cost counted per model").isCloseTo(unary.getUsage().getCostUsd() * 2, within(1e-12));
    }

    @Test
    void aChatBackendsLogProbabilitiesReachTheCascade() {
        GenerateRequest.Builder ask = greedy("math-specialist", SUM, 8);
        ask.getParamsBuilder().setLogprobs(true);
        GenerateResponse served = server().generate(ask.build());
        GenerateResponse through = via(front).generate(ask.build());

        assertThat(through.getText()).as("one user message is the prompt verbatim").isEqualTo(served.getText());
        assertThat(through.getTokensList()).hasSameSizeAs(served.getTokensList());
        for (int i = 0; i < served.getTokensCount(); i++) {
            assertThat(through.getTokens(i).getText()).isEqualTo(served.getTokens(i).getText());
            assertThat(through.getTokens(i).getLogprob()).isCloseTo(served.getTokens(i).getLogprob(), within(1e-4f));
        }
        assertThat(served.getTokensList()).extracting(Token::getLogprob).anyMatch(l -> l < 0);

        GenerateResponse cascaded = via(front).generate(GenerateRequest.newBuilder().setPrompt(SUM).setDomainHint("math")
                .setPolicy("cascade").setParams(GenerationParams.newBuilder().setMaxNewTokens(8)).build());
        assertThat(cascaded.getRoute().getReason()).as("the cascade judged the specialist's log-probabilities")
                .contains("mean logprob");
    }

    @Test
    void aSpecialistWhoseServerIsDownFallsBackToTheGenericModel() throws Exception {
        GenerateResponse r = via(front).generate(greedy("code-specialist", "def add(a, b):", 6).build());

        assertThat(r.getRoute().getFallback()).isTrue();
        assertThat(r.getRoute().getChosenModel()).isEqualTo("code-specialist");
        assertThat(r.getRoute().getModel()).isEqualTo("generic");
        // found unreachable by the pools' poll, or by this call itself
        assertThat(r.getRoute().getFallbackReason()).startsWith("MODEL_UNAVAILABLE: model code-specialist")
                .containsAnyOf("unreachable", "cannot connect");
        assertThat(r.getUsage().getCompletionTokens()).isPositive();

        Map<String, ModelInfo> listed = listedWhenReady("generic");
        ModelInfo servedGeneric = server().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .filter(m -> m.getName().equals("generic")).findFirst().orElseThrow();
        assertThat(listed.get("generic").getContextTokens()).as("from the server's model list")
                .isEqualTo(servedGeneric.getContextTokens()).isPositive();
        assertThat(listed.get("generic").getEndpointsList()).containsExactly(all.openAiUrl());
        assertThat(listed.get("code-specialist").getReady()).isFalse();
    }

    /** ListModels of the front gateway once it has polled {@code model} ready (a first poll may time out). */
    private static Map<String, ModelInfo> listedWhenReady(String model) throws InterruptedException {
        return Eventually.value(model + " polled ready", () -> via(front).listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList().stream().collect(Collectors.toMap(ModelInfo::getName, Function.identity())),
                listed -> listed.get(model).getReady());
    }

    @Test
    void theServersRefusalsReachTheClientAsDocumentedStatuses() {
        assertThatThrownBy(() -> via(front).generate(greedy("legal-specialist", "The court held", 4).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(Failed.documented(e, Status.Code.NOT_FOUND)).isEqualTo(ErrorReason.MODEL_NOT_FOUND);
                    assertThat(Failures.model(e)).contains("legal-specialist");
                });
        String overLong = "the quick brown fox jumps over the lazy dog ".repeat(60);
        assertThatThrownBy(() -> via(front).generate(greedy("generic", overLong, 4).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(Failed.documented(e, Status.Code.INVALID_ARGUMENT)).isEqualTo(ErrorReason.CONTEXT_TOO_LONG);
                    assertThat(Failures.badField(e)).contains("prompt");
                });
        assertThatThrownBy(() -> via(front).score(ScoreRequest.newBuilder().setModel("generic").setPrompt("a")
                .setContinuation("b").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(Failed.documented(e, Status.Code.UNIMPLEMENTED)).isEqualTo(ErrorReason.SCORE_UNSUPPORTED);
                    assertThat(Failures.model(e)).contains("generic");
                });
        assertThat(via(front).generate(greedy("generic", "Hello", 2).build()).getUsage().getCompletionTokens())
                .as("the gateway serves on").isPositive();
    }

    /**
     * The server here holds each generation after its first chunk and admits one call of the model at a
     * time, with an API key: a second call is 429 with Retry-After, which the client hears as
     * RESOURCE_EXHAUSTED with the server's delay; the client's cancel then reaches the server's model.
     */
    @Test
    void aBusyServerIsModelOverloadedAndACancelReachesItsModel() throws Exception {
        try (Held held = new Held()) {
            Context.CancellableContext first = Context.current().withCancellation();
            CountDownLatch text = new CountDownLatch(1);
            first.run(() -> held.front.async().withDeadlineAfter(60, TimeUnit.SECONDS).generateStream(
                    greedy("generic", BEGINNING, 200).build(), new Texts(text)));
            assertThat(text.await(60, TimeUnit.SECONDS)).as("the first text arrived").isTrue();

            assertThatThrownBy(() -> via(held.front).generate(greedy("generic", "Hello", 2).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(Failed.documented(e, Status.Code.RESOURCE_EXHAUSTED))
                                .isEqualTo(ErrorReason.MODEL_OVERLOADED);
                        assertThat(Failures.retryDelay(e)).as("the server's Retry-After").contains(Duration.ofSeconds(1));
                        assertThat(e.getStatus().getDescription()).contains("HTTP 429");
                    });

            first.cancel(null);
            assertThat(held.worker.cancelled().await(30, TimeUnit.SECONDS)).as("the server's model call was cancelled")
                    .isTrue();
            assertThat(held.worker.upstreamIdleWithin(30)).as("the model stopped generating").isTrue();
        }
    }

    @Test
    void theClientsDeadlineEndsTheServersGeneration() throws Exception {
        try (Held held = new Held()) {
            Iterator<GenerateChunk> stream = held.front.blocking().withDeadlineAfter(3, TimeUnit.SECONDS)
                    .generateStream(greedy("generic", BEGINNING, 200).build());
            assertThatThrownBy(() -> stream.forEachRemaining(c -> { }))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(held.worker.cancelled().await(30, TimeUnit.SECONDS)).as("the server's model call was cancelled")
                    .isTrue();
            assertThat(held.worker.upstreamIdleWithin(30)).as("the model stopped generating").isTrue();
        }
    }

    /**
     * A server whose generic model holds every generation after its first chunk, one call at a time, behind
     * an API key; and a gateway whose generic model it serves.
     */
    private static final class Held implements AutoCloseable {
        private static final String KEY = "front-gateway-key-0123456789";
        final HoldingWorker worker;
        final GatewayServer server;
        final Replica front;

        Held() throws Exception {
            worker = new HoldingWorker(all.genericWorkerPort());
            List<ModelRoute> models = all.gatewayConfig().models().stream().map(m -> m.role().equals("generic")
                    ? new ModelRoute(m.name(), m.role(), m.domain(), List.of("127.0.0.1:" + worker.port()), m.price(),
                            m.prior()) : m).toList();
            server = GatewayServer.start(all.gatewayConfig().withPort(0).withModels(models)
                    .withOpenAiHttp(OpenAiHttpSettings.on("127.0.0.1", 0))
                    .withApiKeys(List.of(new ApiKey("front", ApiKey.hash(KEY), 1000)))
                    .withDispatch(DispatchSettings.defaults().withModelLimit(ModelLimitSettings.fixed(1))));
            front = new Replica(all.gatewayConfig().withModels(served(Map.of("generic",
                    new OpenAiBackendSettings(server.openAiUrl(), "generic", false, Optional.of(KEY))))));
        }

        @Override
        public void close() throws Exception {
            front.close();
            server.close();
            worker.close();
        }
    }

    /** Counts down when the first text arrives. */
    private record Texts(CountDownLatch first) implements StreamObserver<GenerateChunk> {
        @Override
        public void onNext(GenerateChunk chunk) {
            if (!chunk.getText().isEmpty()) {
                first.countDown();
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }

}
