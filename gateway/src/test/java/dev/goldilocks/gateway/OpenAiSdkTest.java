package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official openai SDK for Node.js (the version pinned in src/test/node/package-lock.json, installed here
 * with npm ci) against the all-in-one's OpenAI-compatible surface: whole and streamed chat completions and
 * completions, the model list, and errors the SDK raises as its own error classes.
 */
class OpenAiSdkTest {

    private static final Path SOURCES = Path.of("src/test/node");
    private static final Path WORK = Path.of("target/openai-sdk");
    private static AllInOne all;
    private static JsonNode seen;

    @BeforeAll
    static void runTheSdk() throws Exception {
        all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "sdk-check.mjs")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
        String out = run(List.of("node", "sdk-check.mjs"), Map.of("GOLDILOCKS_OPENAI_URL", all.openAiUrl()), 180);
        String[] lines = out.strip().split("\n");
        seen = OpenAiClient.JSON.readTree(lines[lines.length - 1]);
    }

    @AfterAll
    static void stop() {
        if (all != null) {
            all.close();
        }
    }

    /** Runs a command in the work folder; its stdout, or a failure with everything it printed. */
    private static String run(List<String> command, Map<String, String> env, int seconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile());
        builder.environment().putAll(env);
        Path stdout = WORK.resolve(command.get(0) + ".out");
        Path stderr = WORK.resolve(command.get(0) + ".err");
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is needed for this test: install Debian's nodejs and npm"
                    + " (./run-tests does)", e);
        }
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s");
        }
        String out = Files.readString(stdout);
        assertThat(process.exitValue()).as("%s failed:%n%s%n%s", command, out, Files.readString(stderr)).isZero();
        return out;
    }

    private static GenerateResponse grpcGreedy(String model, String prompt, int maxTokens) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
        try {
            return GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).generate(
                    GenerateRequest.newBuilder().setModel(model).setPrompt(prompt).setParams(GenerationParams.newBuilder()
                            .setMaxNewTokens(maxTokens).setTemperature(0)).build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChatCompletionIsTheGrpcApisAnswer() throws Exception {
        GenerateResponse grpc = grpcGreedy("math-specialist", "What is 47 + 38?", 8);
        JsonNode chat = seen.get("chat");
        assertThat(chat.get("object").asText()).isEqualTo("chat.completion");
        assertThat(chat.get("model").asText()).isEqualTo("math-specialist");
        assertThat(chat.get("role").asText()).isEqualTo("assistant");
        assertThat(chat.get("content").asText()).isEqualTo(grpc.getText());
        assertThat(chat.get("finishReason").asText()).isIn("stop", "length");
        assertThat(chat.get("usage").get("completion_tokens").asInt()).isEqualTo(grpc.getUsage().getCompletionTokens());
        assertThat(chat.get("requestId").asText()).as("the SDK's request id is the feedback id")
                .isEqualTo(chat.get("extension").get("request_id").asText());
        assertThat(chat.get("routeHeader").asText()).isEqualTo("math-specialist");
        assertThat(chat.get("extension").get("route").get("policy").asText()).isEqualTo("pinned");
    }

    @Test
    void aStreamedChatArrivesInChunksWithUsageLast() {
        JsonNode chat = seen.get("chat");
        JsonNode stream = seen.get("stream");
        assertThat(stream.get("chunks").asInt()).as("role, text, finish and usage chunks").isGreaterThanOrEqualTo(4);
        assertThat(stream.get("objects")).hasSize(1).first().extracting(JsonNode::asText).isEqualTo("chat.completion.chunk");
        assertThat(stream.get("firstRole").asText()).isEqualTo("assistant");
        assertThat(stream.get("text").asText()).isEqualTo(chat.get("content").asText());
        assertThat(stream.get("finishReason").asText()).isEqualTo(chat.get("finishReason").asText());
        assertThat(stream.get("lastChoices").asInt()).isZero();
        assertThat(stream.get("usage")).isEqualTo(chat.get("usage"));
        assertThat(seen.get("assembled").get("content").asText()).as("the SDK's stream helper assembles the same answer")
                .isEqualTo(chat.get("content").asText());
    }

    @Test
    void completionsWholeAndStreamedAgree() {
        JsonNode completion = seen.get("completion");
        assertThat(completion.get("object").asText()).isEqualTo("text_completion");
        assertThat(completion.get("usage").get("completion_tokens").asInt()).isBetween(1, 6);
        assertThat(seen.get("completionStream").get("text").asText()).isEqualTo(completion.get("text").asText());
    }

    @Test
    void theModelListNamesRoutingPoliciesAndModels() {
        List<String> ids = new ArrayList<>();
        seen.get("models").forEach(m -> ids.add(m.asText()));
        assertThat(ids).startsWith("goldilocks")
                .contains("goldilocks::policy::cascade", "generic", "code-specialist", "legal-specialist", "math-specialist");
    }

    @Test
    void errorsAreTheSdksOwnErrorClasses() {
        for (String call : List.of("unknownModel", "unknownModelStreamed")) {
            JsonNode e = seen.get(call);
            assertThat(e.get("thrown").asBoolean()).as(call).isTrue();
            assertThat(e.get("notFound").asBoolean()).as(call + " is a NotFoundError").isTrue();
            assertThat(e.get("status").asInt()).isEqualTo(404);
            assertThat(e.get("code").asText()).isEqualTo("model_not_found");
            assertThat(e.get("param").asText()).isEqualTo("model");
        }
        JsonNode n = seen.get("twoChoices");
        assertThat(n.get("badRequest").asBoolean()).as("n = 2 is a BadRequestError").isTrue();
        assertThat(n.get("status").asInt()).isEqualTo(400);
        assertThat(n.get("param").asText()).isEqualTo("n");
        assertThat(n.get("code").asText()).isEqualTo("unsupported_parameter");
    }
}
