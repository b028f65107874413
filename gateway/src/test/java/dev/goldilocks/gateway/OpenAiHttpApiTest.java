package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.OpenAiHttpSettings;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenAI-compatible HTTP surface of the all-in-one, called with the JDK's HTTP client (and a raw socket
 * where a client must leave mid-answer): answers agree with the gRPC API's, errors are OpenAI's, and the
 * server keeps serving after each bad request.
 */
class OpenAiHttpApiTest {

    private static final String SUM = "What is 47 + 38?";
    private static AllInOne all;
    private static ManagedChannel channel;
    private static OpenAiClient client;

    @BeforeAll
    static void start() throws Exception {
        all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, 0);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
        client = new OpenAiClient(all.openAiUrl(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        all.close();
    }

    private static ObjectNode chat(String model, String content, int maxTokens) {
        ObjectNode body = OpenAiClient.JSON.createObjectNode().put("model", model).put("max_tokens", maxTokens)
                .put("temperature", 0);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return body;
    }

    private static GenerateResponse grpcGreedy(String model, String prompt, int maxTokens) {
        return GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).generate(
                GenerateRequest.newBuilder().setModel(model).setPrompt(prompt).setParams(GenerationParams.newBuilder()
                        .setMaxNewTokens(maxTokens).setTemperature(0)).build());
    }

    @Test
    void aChatCompletionIsTheGrpcApisAnswerWithItsRouteAsClientTraffic() throws Exception {
        GenerateResponse grpc = grpcGreedy("math-specialist", SUM, 8);
        double before = metric("goldilocks_requests_total", "rpc=\"generate\"", "model=\"math-specialist\"",
                "traffic=\"client\"", "outcome=\"ok\"");

        OpenAiClient.Reply reply = client.post("/chat/completions", chat("math-specialist", SUM, 8).toString());

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("application/json");
        JsonNode body = reply.json();
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("model").asText()).isEqualTo("math-specialist");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo(grpc.getText());
        assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(grpc.getUsage().getPromptTokens());
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(grpc.getUsage().getCompletionTokens());
        assertThat(body.get("usage").get("total_tokens").asInt())
                .isEqualTo(grpc.getUsage().getPromptTokens() + grpc.getUsage().getCompletionTokens());

        JsonNode extension = body.get("goldilocks");
        assertThat(reply.header("x-goldilocks-route-model")).isEqualTo("math-specialist");
        assertThat(reply.header("x-goldilocks-route-policy")).isEqualTo("pinned");
        assertThat(reply.header("x-goldilocks-route-domain")).isEqualTo(grpc.getRoute().getDomain())
                .isEqualTo(extension.get("route").get("domain").asText());
        assertThat(reply.header("x-goldilocks-route-fallback")).isEqualTo("false");
        assertThat(reply.header("x-request-id")).isEqualTo(reply.header("x-goldilocks-request-id"))
                .isEqualTo(extension.get("request_id").asText());
        assertThat(extension.get("cost_usd").asDouble()).isPositive();
        assertThat(GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).feedback(
                FeedbackRequest.newBuilder().setRequestId(reply.header("x-request-id")).setScore(1).build()).getAccepted())
                .as("the request id is a real one: feedback for it counts").isTrue();
        assertThat(metric("goldilocks_requests_total", "rpc=\"generate\"", "model=\"math-specialist\"",
                "traffic=\"client\"", "outcome=\"ok\"")).as("counted by the gRPC API as client traffic")
                .isEqualTo(before + 1);
    }

    @Test
    void theModelIdChoosesRouting() {
        ObjectNode routed = chat("goldilocks", SUM, 4).put("domain_hint", "math");
        OpenAiClient.Reply byDefault = client.post("/chat/completions", routed.toString());
        assertThat(byDefault.header("x-goldilocks-route-policy")).isEqualTo("specialist-by-domain");
        assertThat(byDefault.header("x-goldilocks-route-model")).isEqualTo("math-specialist");

        OpenAiClient.Reply byPolicy = client.post("/chat/completions",
                routed.put("model", "goldilocks::policy::generic-only").toString());
        assertThat(byPolicy.status()).as(byPolicy.body()).isEqualTo(200);
        assertThat(byPolicy.header("x-goldilocks-route-policy")).isEqualTo("generic-only");
        assertThat(byPolicy.json().get("model").asText()).isEqualTo("generic");
    }

    @Test
    void aStreamedChatIsChunksThenDoneWithUsageWhenAsked() {
        String whole = client.post("/chat/completions", chat("generic", "Once upon a time", 12).toString()).json()
                .get("choices").get(0).get("message").get("content").asText();
        ObjectNode request = chat("generic", "Once upon a time", 12).put("stream", true);
        request.putObject("stream_options").put("include_usage", true);

        OpenAiClient.Reply reply = client.post("/chat/completions", request.toString());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("text/event-stream");
        assertThat(reply.header("x-goldilocks-route-model")).isEqualTo("generic");
        List<String> events = reply.events();
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(OpenAiHttpApiTest::parse).toList();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).isEqualTo(chunks.get(0).get("id").asText());
        });
        assertThat(chunks.get(0).get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder streamed = new StringBuilder();
        chunks.stream().filter(c -> !c.get("choices").isEmpty())
                .forEach(c -> streamed.append(c.get("choices").get(0).get("delta").path("content").asText("")));
        assertThat(streamed.toString()).as("the chunks add up to the whole answer").isEqualTo(whole);
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).as("the usage chunk has no choices").isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isBetween(1, 12);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.get("choices").get(0).get("finish_reason").asText()).isIn("stop", "length");
        assertThat(finish.get("goldilocks").get("route").get("model").asText()).isEqualTo("generic");
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());

        List<String> plain = client.post("/chat/completions", chat("generic", "Once upon a time", 12).put("stream", true)
                .toString()).events();
        assertThat(plain.get(plain.size() - 1)).isEqualTo("[DONE]");
        assertThat(plain.subList(0, plain.size() - 1)).as("no usage unless asked for")
                .allSatisfy(e -> assertThat(parse(e).has("usage")).isFalse());
        assertThat(parse(plain.get(plain.size() - 2)).get("choices").get(0).get("finish_reason").isNull()).isFalse();
    }

    @Test
    void completionsStreamAndReturnTheSampledTokensLogprobs() {
        ObjectNode request = OpenAiClient.JSON.createObjectNode().put("model", "generic").put("prompt", "In the beginning")
                .put("max_tokens", 6).put("temperature", 0).put("logprobs", 0);
        JsonNode whole = client.post("/completions", request.toString()).json();
        assertThat(whole.get("object").asText()).isEqualTo("text_completion");
        JsonNode choice = whole.get("choices").get(0);
        JsonNode logprobs = choice.get("logprobs");
        assertThat(logprobs.get("tokens")).hasSize(whole.get("usage").get("completion_tokens").asInt());
        StringBuilder joined = new StringBuilder();
        logprobs.get("tokens").forEach(t -> joined.append(t.asText()));
        assertThat(joined.toString()).isEqualTo(choice.get("text").asText());
        assertThat(logprobs.get("token_logprobs")).allSatisfy(v -> assertThat(v.asDouble()).isNegative());

        List<String> events = client.post("/completions", request.put("stream", true).toString()).events();
        StringBuilder streamed = new StringBuilder();
        events.subList(0, events.size() - 1).forEach(e -> streamed.append(parse(e).get("choices").get(0).get("text").asText()));
        assertThat(streamed.toString()).isEqualTo(choice.get("text").asText());
        assertThat(parse(events.get(events.size() - 2)).get("choices").get(0).get("logprobs").get("tokens"))
                .as("a stream's log-probabilities come with its last chunk").hasSize(logprobs.get("tokens").size());
    }

    @Test
    void theModelListHasGoldilocksThePoliciesAndTheModels() {
        OpenAiClient.Reply reply = client.get("/models");
        assertThat(reply.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.json().get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).startsWith("goldilocks")
                .contains("goldilocks::policy::generic-only", "goldilocks::policy::cascade", "generic", "math-specialist");
        assertThat(client.get("/models/math-specialist").json().get("goldilocks").get("domain").asText()).isEqualTo("math");
        OpenAiClient.Reply unknown = client.get("/models/nope");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error().get("code").asText()).isEqualTo("model_not_found");
    }

    static Stream<Arguments> badRequests() {
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        return Stream.of(
                Arguments.of("/chat/completions", "{\"model\": \"generic\", ", null, "invalid_json"),
                Arguments.of("/chat/completions", "[1, 2]", null, "invalid_json"),
                Arguments.of("/chat/completions", "", null, "invalid_json"),
                Arguments.of("/chat/completions", "{" + messages + ", \"max_tokens\": \"5\"}", "max_tokens", "invalid_type"),
                Arguments.of("/chat/completions", "{" + messages + ", \"temperature\": \"hot\"}", "temperature", "invalid_type"),
                Arguments.of("/chat/completions", "{" + messages + ", \"stream\": \"yes\"}", "stream", "invalid_type"),
                Arguments.of("/chat/completions", "{" + messages + ", \"stop\": 5}", "stop", "invalid_type"),
                Arguments.of("/chat/completions", "{" + messages + ", \"user\": 7}", "user", "invalid_type"),
                Arguments.of("/chat/completions", "{" + messages + ", \"stream_options\": {\"include_usage\": 1}}",
                        "stream_options.include_usage", "invalid_type"),
                Arguments.of("/chat/completions", "{\"messages\": \"hi\"}", "messages", "invalid_type"),
                Arguments.of("/chat/completions", "{\"messages\": []}", "messages", "invalid_value"),
                Arguments.of("/chat/completions", "{" + messages + ", \"n\": 2}", "n", "unsupported_parameter"),
                Arguments.of("/chat/completions", "{" + messages + ", \"tools\": [{\"type\": \"function\", \"function\":"
                        + " {\"name\": \"f\"}}]}", "tools", "unsupported_parameter"),
                Arguments.of("/chat/completions", "{" + messages + ", \"response_format\": {\"type\": \"json_object\"}}",
                        "response_format", "unsupported_parameter"),
                Arguments.of("/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\":"
                        + " \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}", "messages[0].content[0].type",
                        "unsupported_parameter"),
                Arguments.of("/chat/completions", "{" + messages + ", \"max_tokens\": 0}", "max_tokens", "invalid_field"),
                Arguments.of("/chat/completions", "{" + messages + ", \"top_p\": 1.5}", "top_p", "invalid_field"),
                Arguments.of("/chat/completions", "{" + messages + ", \"user\": \"" + "u".repeat(300) + "\"}", "user",
                        "invalid_field"), // the gRPC API's unit_id limit, named as the client sent it
                Arguments.of("/completions", "{\"prompt\": [[1, 2, 3]]}", "prompt", "unsupported_parameter"),
                Arguments.of("/completions", "{\"prompt\": \"x\", \"n\": 3}", "n", "unsupported_parameter"),
                Arguments.of("/completions", "{\"prompt\": \"\"}", "prompt", "invalid_field"),
                Arguments.of("/completions", "{}", "prompt", "invalid_value"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badInputIsA400NamingTheParameterAndTheServerServesOn(String path, String body, String param, String code) {
        OpenAiClient.Reply reply = client.post(path, body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        JsonNode error = reply.error();
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").asText()).isEqualTo(param);
            assertThat(error.get("message").asText()).startsWith(param + ":");
        }
        assertThat(client.post("/chat/completions", chat("math-specialist", SUM, 2).toString()).status()).isEqualTo(200);
    }

    @Test
    void unknownFieldsAndNeutralValuesAreIgnored() {
        ObjectNode request = chat("generic", "Hello", 3).put("frobnicate", 1).put("tool_choice", "none")
                .put("presence_penalty", 0).put("parallel_tool_calls", false).put("n", 1).put("seed", 7)
                .put("user", "user-42");
        request.putObject("logit_bias");
        request.putArray("tools");
        request.putObject("response_format").put("type", "text");
        request.putObject("metadata").put("team", "a");
        OpenAiClient.Reply reply = client.post("/chat/completions", request.toString());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }

    @Test
    void anUnknownModelIs404ModelNotFound() {
        for (String model : List.of("no-such-model", "goldilocks::policy::no-such-policy")) {
            OpenAiClient.Reply reply = client.post("/chat/completions", chat(model, "hi", 2).toString());
            assertThat(reply.status()).as(model).isEqualTo(404);
            assertThat(reply.error().get("code").asText()).isEqualTo("model_not_found");
            assertThat(reply.error().get("param").asText()).isEqualTo("model");
        }
    }

    @Test
    void aPromptOverTheContextIsContextLengthExceeded() {
        String longPrompt = "word ".repeat(400); // about 400 tokens; the demo models' context is 256
        OpenAiClient.Reply chat = client.post("/chat/completions", chat("generic", longPrompt, 4).toString());
        assertThat(chat.status()).isEqualTo(400);
        assertThat(chat.error().get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(chat.error().get("param").asText()).isEqualTo("messages");
        OpenAiClient.Reply completion = client.post("/completions", OpenAiClient.JSON.createObjectNode()
                .put("model", "generic").put("prompt", longPrompt).toString());
        assertThat(completion.error().get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(completion.error().get("param").asText()).isEqualTo("prompt");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBodyOverTheLimitIs413AndTheConnectionServesOn(boolean expectContinue) throws Exception {
        double before = metric("goldilocks_openai_requests_total", "rpc=\"chat_completions\"", "outcome=\"413\"");
        byte[] big = chat("generic", "x".repeat(OpenAiHttpSettings.DEFAULT_MAX_BODY_BYTES), 2).toString()
                .getBytes(StandardCharsets.UTF_8);

        OpenAiClient.Reply reply = client.post("/chat/completions", big, expectContinue);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.error().get("code").asText()).isEqualTo("request_too_large");
        assertThat(client.post("/chat/completions", chat("math-specialist", SUM, 2).toString()).status()).isEqualTo(200);
        assertThat(metric("goldilocks_openai_requests_total", "rpc=\"chat_completions\"", "outcome=\"413\""))
                .as("refused before the gRPC API, and counted").isEqualTo(before + 1);
    }

    @Test
    void keysAreCheckedAndARateLimitIs429WithRetryAfter() throws Exception {
        String key = "openai-client-key-0123456789";
        OpenAiHttpSettings http = OpenAiHttpSettings.on("127.0.0.1", 0);
        try (GatewayServer gateway = GatewayServer.start(all.gatewayConfig().withPort(0).withOpenAiHttp(http)
                .withApiKeys(List.of(new ApiKey("slow", ApiKey.hash(key), 1))))) {
            for (OpenAiClient stranger : List.of(new OpenAiClient(gateway.openAiUrl(), null),
                    new OpenAiClient(gateway.openAiUrl(), "a-wrong-key"))) {
                OpenAiClient.Reply refused = stranger.post("/chat/completions", chat("generic", "hi", 2).toString());
                assertThat(refused.status()).isEqualTo(401);
                assertThat(refused.error().get("code").asText()).isEqualTo("invalid_api_key");
            }
            OpenAiClient keyed = new OpenAiClient(gateway.openAiUrl(), key);
            List<CompletableFuture<OpenAiClient.Reply>> burst = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                burst.add(keyed.getAsync("/models"));
            }
            List<OpenAiClient.Reply> replies = burst.stream().map(CompletableFuture::join).toList();
            assertThat(replies).as("one request per second passes").anyMatch(r -> r.status() == 200);
            OpenAiClient.Reply limited = replies.stream().filter(r -> r.status() == 429).findFirst()
                    .orElseThrow(() -> new AssertionError("no 429 in a burst of 6 at 1 request per second"));
            assertThat(limited.error().get("type").asText()).isEqualTo("rate_limit_error");
            assertThat(limited.error().get("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(Integer.parseInt(limited.header("retry-after"))).isPositive();
            assertThat(Long.parseLong(limited.header("retry-after-ms"))).isPositive();
        }
    }

    /**
     * The generic worker here passes on the first chunk and then holds the generation until its caller goes
     * away, so the client certainly leaves mid-answer. Closing the connection cancels the gRPC call behind
     * it, and so the worker's generation; the gateway serves on.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aClientLeavingMidAnswerCancelsTheWorkerCall(boolean stream) throws Exception {
        try (HoldingWorker held = new HoldingWorker(all.genericWorkerPort());
             GatewayServer gateway = GatewayServer.start(all.gatewayConfig().withPort(0)
                     .withOpenAiHttp(OpenAiHttpSettings.on("127.0.0.1", 0)).withModels(genericOn(held.port())))) {
            String body = OpenAiClient.JSON.createObjectNode().put("model", "generic").put("prompt", "Once")
                    .put("max_tokens", 250).put("temperature", 1).put("seed", 4).put("stream", stream).toString();
            try (Socket socket = new Socket("127.0.0.1", gateway.openAiPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                        + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (stream) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.UTF_8));
                    String line;
                    do {
                        line = in.readLine();
                    } while (line != null && !(line.startsWith("data: ") && line.contains("\"text\"")));
                    assertThat(line).as("a first text event arrived").isNotNull();
                } else {
                    assertThat(held.firstChunk().await(30, TimeUnit.SECONDS)).as("the worker is generating").isTrue();
                }
            }
            assertThat(held.cancelled().await(30, TimeUnit.SECONDS)).as("the worker call was cancelled").isTrue();
            assertThat(held.upstreamIdleWithin(30)).as("the worker stopped generating").isTrue();
            OpenAiClient.Reply next = new OpenAiClient(gateway.openAiUrl(), null).post("/chat/completions",
                    chat("math-specialist", SUM, 2).toString());
            assertThat(next.status()).as("the gateway serves on").isEqualTo(200);
        }
    }

    private static List<ModelRoute> genericOn(int port) {
        return all.gatewayConfig().models().stream().map(m -> m.role().equals("generic") ? new ModelRoute(m.name(),
                m.role(), m.domain(), List.of("127.0.0.1:" + port), m.price(), m.prior()) : m).toList();
    }

    private static JsonNode parse(String json) {
        try {
            return OpenAiClient.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** The sum of a metric's samples whose labels contain every fragment, from the all-in-one's /metrics. */
    private static double metric(String name, String... fragments) throws Exception {
        String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + all.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && Stream.of(fragments).allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
