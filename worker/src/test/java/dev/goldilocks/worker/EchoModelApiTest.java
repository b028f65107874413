package dev.goldilocks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.EmbedRequest;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.worker.config.WorkerConfigReader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An echo model (`kind: echo`), which computes nothing, through the worker's real gRPC API: it answers
 * Generate with max_new_tokens "x" tokens in one piece, counts a text's tokens as its UTF-8 bytes, scores
 * every byte at -ln 256, is validated, counted and timed like any model, and Status reports it.
 */
class EchoModelApiTest {

    private static final String CONFIG = """
            port: 0
            metrics_port: 0
            default_max_new_tokens: 3
            models:
              echo:
                kind: echo
                context_tokens: 16
                max_new_tokens: 32
                role: specialist
                domain: math
            """;
    private static final double LN_256 = Math.log(256);

    private static WorkerServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        WorkerConfig config = WorkerConfigReader.read(ConfigNode.parse(CONFIG, "worker.yaml"), Path.of("."));
        server = WorkerServer.start(config);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static WorkerGrpc.WorkerBlockingStub worker() {
        return WorkerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static List<WorkerGenerateChunk> generate(String prompt, GenerationParams params) {
        List<WorkerGenerateChunk> chunks = new ArrayList<>();
        worker().generate(WorkerGenerateRequest.newBuilder().setModel("echo").setPrompt(prompt).setParams(params)
                .build()).forEachRemaining(chunks::add);
        return chunks;
    }

    @Test
    void generateAnswersMaxNewTokensXsInOnePieceAndCountsThePromptsBytes() {
        List<WorkerGenerateChunk> chunks = generate("héllo", GenerationParams.newBuilder().setMaxNewTokens(5)
                .setTemperature(0.7f).setTopK(3).build());
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).getText()).isEqualTo("xxxxx");
        assertThat(chunks.get(0).getTokensList()).hasSize(5).allSatisfy(t -> {
            assertThat(t.getId()).isEqualTo('x');
            assertThat(t.getText()).isEqualTo("x");
            assertThat(t.getLogprob()).as("not asked for").isZero();
        });
        WorkerGenerateChunk last = chunks.get(1);
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(last.getPromptTokens()).as("h, é (two bytes), l, l, o").isEqualTo(6);
        assertThat(last.getCompletionTokens()).isEqualTo(5);
        assertThat(last.getTiming().getBatchSize()).isEqualTo(1);
        assertThat(last.getTiming().getTimeToFirstTokenSeconds()).isPositive()
                .isGreaterThanOrEqualTo(last.getTiming().getQueueSeconds());

        List<WorkerGenerateChunk> byDefault = generate("hi", GenerationParams.getDefaultInstance());
        assertThat(byDefault.get(0).getText()).as("the worker's default_max_new_tokens").isEqualTo("xxx");

        List<WorkerGenerateChunk> withLogprobs = generate("hi", GenerationParams.newBuilder().setMaxNewTokens(2)
                .setLogprobs(true).build());
        assertThat(withLogprobs.get(0).getTokensList()).extracting(Token::getLogprob)
                .allSatisfy(lp -> assertThat((double) lp).isCloseTo(-LN_256, Offset.offset(1e-5)));
    }

    @Test
    void generationEndsWhenTheContextIsFullAndAPromptThatLeavesNoRoomIsRefused() {
        List<WorkerGenerateChunk> chunks = generate("14 bytes long.", GenerationParams.newBuilder().setMaxNewTokens(5)
                .build());
        assertThat(chunks.get(0).getText()).as("16 tokens of context, 14 taken").isEqualTo("xx");
        assertThat(chunks.get(1).getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_CONTEXT_FULL);

        assertThatThrownBy(() -> generate("sixteen bytes!!!", GenerationParams.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(Failures.reason(e)).contains(ErrorReason.CONTEXT_TOO_LONG);
                    assertThat(Failures.badField(e)).contains("prompt");
                    assertThat(Failures.model(e)).contains("echo");
                });
        assertThatThrownBy(() -> generate("hi", GenerationParams.newBuilder().setMaxNewTokens(33).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("params.max_new_tokens: must be between 1 and 32");
                });
        assertThatThrownBy(() -> worker().embed(EmbedRequest.newBuilder().setModel("echo").addTexts("hi").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(Failures.reason(e))
                        .contains(ErrorReason.WRONG_MODEL_KIND));
    }

    @Test
    void scoreGivesEveryContinuationByteMinusLn256() {
        WorkerScoreResponse score = worker().score(WorkerScoreRequest.newBuilder().setModel("echo").setPrompt("ab")
                .setContinuation("cdé").build());
        assertThat(score.getPromptTokens()).isEqualTo(2);
        assertThat(score.getTokensList()).extracting(Token::getText).containsExactly("c", "d", "\uFFFD", "\uFFFD");
        assertThat(score.getTokensList()).extracting(Token::getId).containsExactly(0x63, 0x64, 0xc3, 0xa9);
        assertThat(score.getLogprob()).isCloseTo(-4 * LN_256, Offset.offset(1e-4));
        assertThat(score.getTiming().getBatchSize()).isEqualTo(1);

        assertThatThrownBy(() -> worker().score(WorkerScoreRequest.newBuilder().setModel("echo").setPrompt("ten bytes!")
                .setContinuation("seven b").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(Failures.reason(e))
                        .contains(ErrorReason.CONTEXT_TOO_LONG));
    }

    @Test
    void anEchoModelNeedsNoFilesAndItsConfigRefusesTheKeysOfModelsThatHaveThem() {
        WorkerConfig config = WorkerConfigReader.read(ConfigNode.parse("models: {e: {kind: echo}}", "worker.yaml"),
                Path.of("."));
        assertThat(config.models().get(0).contextTokens()).isEqualTo(ModelConfig.DEFAULT_ECHO_CONTEXT_TOKENS);
        assertThat(config.models().get(0).maxQueueDelayMicros()).as("Score requests are not held back").isZero();
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse("models: {e: {kind: echo, path: x}}",
                "worker.yaml"), Path.of(".")))
                .isInstanceOf(ConfigException.class).hasMessage("models.e.path: is not a known key here");
        assertThatThrownBy(() -> WorkerConfigReader.read(ConfigNode.parse(
                "models: {e: {kind: echo, context_tokens: 1}}", "worker.yaml"), Path.of(".")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("models.e.context_tokens: must be between 2");
    }

    @Test
    void statusReportsTheEchoModelAndItsRequestsAreCountedAndTimed() throws Exception {
        ModelStatus status = worker().status(StatusRequest.getDefaultInstance()).getModels(0);
        assertThat(status.getName()).isEqualTo("echo");
        assertThat(status.getKind()).isEqualTo("echo");
        assertThat(status.getState()).isEqualTo(ModelStatus.State.READY);
        assertThat(status.getContextTokens()).isEqualTo(16);
        assertThat(status.getDevice()).isEqualTo("cpu");
        assertThat(status.getRole()).isEqualTo("specialist");
        assertThat(status.getDomain()).isEqualTo("math");

        generate("hi", GenerationParams.newBuilder().setMaxNewTokens(4).build());
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .containsPattern("goldilocks_worker_requests_total\\{model=\"echo\",outcome=\"ok\",rpc=\"generate\"\\} [1-9]")
                .containsPattern("goldilocks_worker_generated_tokens_total\\{model=\"echo\"\\} [1-9]")
                .containsPattern("goldilocks_worker_prompt_tokens_total\\{model=\"echo\"\\} [1-9]")
                .containsPattern("goldilocks_worker_queue_seconds_count\\{model=\"echo\"\\} [1-9]")
                .containsPattern("goldilocks_worker_time_to_first_token_seconds_count\\{model=\"echo\"\\} [1-9]")
                .contains("goldilocks_worker_model_info{device=\"cpu\",kind=\"echo\",model=\"echo\",role=\"specialist\"} 1");
    }
}
