package dev.goldilocks.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.config.OpenAiBackendSettings;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible backend against a real HTTP server on a socket that answers as vLLM does, written a
 * few bytes at a time: streams read into the worker protocol, HTTP failures into statuses and failure
 * kinds, cancellation and deadlines closing the response, status polls, flow control.
 */
class OpenAiBackendTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-test-0123456789";

    private CannedServer server;
    private HttpTransport transport;

    @BeforeEach
    void start() throws Exception {
        server = new CannedServer();
        transport = new HttpTransport();
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
    }

    private OpenAiBackend backend(boolean chat) {
        return backend(server.baseUrl(), chat);
    }

    private OpenAiBackend backend(String baseUrl, boolean chat) {
        return new OpenAiBackend("generic", new OpenAiBackendSettings(baseUrl, "org/remote-7b", chat, Optional.of(KEY)),
                transport, new RateLimitedLog(LoggerFactory.getLogger(getClass()), Duration.ofSeconds(10)));
    }

    private static WorkerGenerateRequest request(GenerationParams params) {
        return WorkerGenerateRequest.newBuilder().setModel("generic").setPrompt("Hello").setParams(params).build();
    }

    private static CallScope scope(Context caller, long seconds) {
        return new CallScope(caller, Deadline.after(seconds, TimeUnit.SECONDS));
    }

    /** One call as its caller sees it; asks for the next message after each unless told not to. */
    static final class Call<T> implements BackendObserver<T> {
        final List<T> messages = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<T> arrivals = new LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();
        volatile FailureKind kind;
        volatile Demand demand;
        final boolean asksForMore;

        Call(boolean asksForMore) {
            this.asksForMore = asksForMore;
        }

        @Override
        public void onStart(Demand d) {
            demand = d;
        }

        @Override
        public void onNext(T message) {
            assertThat(ended).as("no message after the end").isNotDone();
            messages.add(message);
            arrivals.add(message);
            if (asksForMore) {
                demand.request(1);
            }
        }

        @Override
        public void onError(Throwable error, FailureKind failureKind) {
            kind = failureKind;
            assertThat(ended.complete(error)).as("one end").isTrue();
        }

        @Override
        public void onCompleted() {
            assertThat(ended.complete(null)).as("one end").isTrue();
        }

        Throwable error() throws Exception {
            Throwable t = ended.get(30, TimeUnit.SECONDS);
            assertThat(t).as("the call failed").isNotNull();
            return t;
        }

        List<T> completed() throws Exception {
            assertThat(ended.get(30, TimeUnit.SECONDS)).as("the call completed").isNull();
            return messages;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]"})
    void aVllmCompletionStreamBecomesWorkerChunksWithUsageFromItsLastChunk(String usageChoices) throws Exception {
        String stream = ": keep-alive\n\n"
                + event("{\"choices\":[{\"index\":0,\"text\":\" Gr\u00fc\",\"logprobs\":{\"tokens\":[\" Gr\",\"\u00fc\"],"
                + "\"token_logprobs\":[-0.25,-1.5],\"top_logprobs\":null,\"text_offset\":[0,3]},\"finish_reason\":null,"
                + "\"stop_reason\":null}],\"usage\":null}")
                + event("{\"choices\":[{\"index\":0,\"text\":\"\u00df\",\"logprobs\":{\"tokens\":[\"\u00df\"],"
                + "\"token_logprobs\":[-0.5]},\"finish_reason\":\"length\",\"stop_reason\":null}],\"usage\":null}")
                + event("{\"id\":\"cmpl-1\",\"choices\":" + usageChoices
                + ",\"usage\":{\"prompt_tokens\":5,\"total_tokens\":8,\"completion_tokens\":3}}")
                + "data: [DONE]\n\n";
        server.on("/completions", CannedServer.events(stream, 3));
        Call<WorkerGenerateChunk> call = new Call<>(true);

        backend(false).generate(request(GenerationParams.newBuilder().setLogprobs(true).setMaxNewTokens(3)
                .addStop("\n\n").setSeed(-1L).build()), scope(Context.current(), 30), call);

        List<WorkerGenerateChunk> chunks = call.completed();
        assertThat(chunks.stream().map(WorkerGenerateChunk::getText).collect(Collectors.joining())).isEqualTo(" Grüß");
        assertThat(chunks.stream().flatMap(c -> c.getTokensList().stream()).map(Token::getLogprob))
                .containsExactly(-0.25f, -1.5f, -0.5f);
        WorkerGenerateChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(last.getPromptTokens()).isEqualTo(5);
        assertThat(last.getCompletionTokens()).isEqualTo(3);
        assertThat(last.getTiming().getComputeSeconds()).isPositive();

        JsonNode sent = JSON.readTree(server.lastBody.get("/v1/completions"));
        assertThat(sent.get("model").asText()).as("the server's name of the model").isEqualTo("org/remote-7b");
        assertThat(sent.get("prompt").asText()).isEqualTo("Hello");
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(3);
        assertThat(sent.get("temperature").asDouble()).as("unset: greedy, as the gRPC API").isZero();
        assertThat(sent.get("logprobs").asInt()).as("completions: the sampled tokens' log-probabilities").isZero();
        assertThat(sent.get("stop").get(0).asText()).isEqualTo("\n\n");
        assertThat(sent.get("seed").asText()).as("a uint64").isEqualTo("18446744073709551615");
        assertThat(sent.has("top_k")).as("unset parameters are not sent").isFalse();
        assertThat(server.lastAuthorization.get("/v1/completions")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void aChatStreamReadsDeltasAndAStopSequenceWithoutDone() throws Exception {
        String stream = event("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}]}")
                + event("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"},\"logprobs\":{\"content\":"
                + "[{\"token\":\"4\",\"logprob\":-0.125,\"bytes\":[52],\"top_logprobs\":[]}]},\"finish_reason\":null}]}")
                + event("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":\"\\n\"}]}")
                + event("{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1}}");
        server.on("/chat/completions", CannedServer.events(stream, 5));
        Call<WorkerGenerateChunk> call = new Call<>(true);

        backend(true).generate(request(GenerationParams.newBuilder().setLogprobs(true).setTemperature(0.5f).build()),
                scope(Context.current(), 30), call);

        List<WorkerGenerateChunk> chunks = call.completed();
        assertThat(chunks.get(0).getText()).isEqualTo("4");
        assertThat(chunks.get(0).getTokens(0).getLogprob()).isEqualTo(-0.125f);
        WorkerGenerateChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.getFinishReason()).as("vLLM's stop_reason names the stop string")
                .isEqualTo(FinishReason.FINISH_REASON_STOP_SEQUENCE);
        assertThat(last.getPromptTokens()).isEqualTo(9);
        JsonNode sent = JSON.readTree(server.lastBody.get("/v1/chat/completions"));
        assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(sent.get("messages").get(0).get("content").asText()).isEqualTo("Hello");
        assertThat(sent.get("logprobs").asBoolean()).isTrue();
        assertThat(sent.get("temperature").asDouble()).isCloseTo(0.5, within(1e-6));
        assertThat(sent.get("max_tokens").asInt()).as("unset: the worker's default").isEqualTo(64);
    }

    @Test
    void aStreamIsReadOnlyAsFastAsItsCallerAsks() throws Exception {
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            stream.append(event("{\"choices\":[{\"index\":0,\"text\":\"t" + i + "\",\"finish_reason\":"
                    + (i == 4 ? "\"stop\"" : "null") + "}]}"));
        }
        stream.append(event("{\"choices\":null,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":5}}"))
                .append("data: [DONE]\n\n");
        server.on("/completions", CannedServer.events(stream.toString(), 64));
        Call<WorkerGenerateChunk> call = new Call<>(false);

        backend(false).generate(request(GenerationParams.getDefaultInstance()), scope(Context.current(), 30), call);

        for (int i = 0; i < 5; i++) {
            WorkerGenerateChunk chunk = call.arrivals.poll(30, TimeUnit.SECONDS);
            assertThat(chunk).as("chunk " + i).isNotNull();
            assertThat(chunk.getText()).isEqualTo("t" + i);
            assertThat(call.arrivals).as("nothing more until asked").isEmpty();
            call.demand.request(1);
        }
        WorkerGenerateChunk last = call.arrivals.poll(30, TimeUnit.SECONDS);
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_END_OF_TEXT);
        assertThat(call.ended.get(30, TimeUnit.SECONDS)).as("the end needs no demand").isNull();
    }

    @Test
    void theCallersCancellationClosesTheResponse() throws Exception {
        server.on("/completions", server.holdAfter(event("{\"choices\":[{\"index\":0,\"text\":\"Hi\"}]}")));
        Context.CancellableContext caller = Context.current().withCancellation();
        Call<WorkerGenerateChunk> call = new Call<>(true);

        backend(false).generate(request(GenerationParams.getDefaultInstance()), scope(caller, 60), call);
        assertThat(call.arrivals.poll(30, TimeUnit.SECONDS)).as("the first text").isNotNull();
        caller.cancel(null);

        assertThat(Failures.reason(call.error())).contains(ErrorReason.CANCELLED);
        assertThat(call.kind).isEqualTo(FailureKind.CALLER_LEFT);
        assertThat(server.clientGone.await(30, TimeUnit.SECONDS)).as("the server saw the connection close").isTrue();
    }

    @Test
    void theDeadlineEndsTheCallAndClosesTheResponse() throws Exception {
        server.on("/completions", server.holdAfter(": nothing yet\n\n"));
        Call<WorkerGenerateChunk> call = new Call<>(true);

        backend(false).generate(request(GenerationParams.getDefaultInstance()),
                new CallScope(Context.current(), Deadline.after(300, TimeUnit.MILLISECONDS)), call);

        Throwable error = call.error();
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Failures.model(error)).contains("generic");
        assertThat(call.kind).as("not the endpoint's fault").isEqualTo(FailureKind.DEADLINE);
        assertThat(server.clientGone.await(30, TimeUnit.SECONDS)).as("the server saw the connection close").isTrue();
    }

    @Test
    void aStreamCutBeforeItsEndIsUnavailableAndCountsAgainstTheEndpoint() throws Exception {
        server.on("/completions", CannedServer.events(event("{\"choices\":[{\"index\":0,\"text\":\"Hi\"}]}"), 4));
        Call<WorkerGenerateChunk> call = new Call<>(true);

        backend(false).generate(request(GenerationParams.getDefaultInstance()), scope(Context.current(), 30), call);

        Throwable error = call.error();
        assertThat(call.messages).extracting(WorkerGenerateChunk::getText).containsExactly("Hi");
        assertThat(Failures.reason(error)).contains(ErrorReason.MODEL_UNAVAILABLE);
        assertThat(Status.fromThrowable(error).getDescription()).contains("ended before the answer was complete");
        assertThat(call.kind).isEqualTo(FailureKind.TRANSPORT);
    }

    @Test
    void anErrorEventMidStreamEndsTheCallWithItsMeaning() throws Exception {
        String stream = event("{\"choices\":[{\"index\":0,\"text\":\"Hi\"}]}")
                + event("{\"error\":{\"object\":\"error\",\"message\":\"This model's maximum context length is 2048"
                + " tokens\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}");
        server.on("/completions", CannedServer.events(stream, 7));
        Call<WorkerGenerateChunk> call = new Call<>(true);

        backend(false).generate(request(GenerationParams.getDefaultInstance()), scope(Context.current(), 30), call);

        Throwable error = call.error();
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Failures.reason(error)).contains(ErrorReason.CONTEXT_TOO_LONG);
        assertThat(Failures.badField(error)).contains("prompt");
    }

    /** An HTTP status and body, what the caller hears, and what dispatch makes of it. */
    private record Answer(int http, String body, String[] headers, Status.Code code, ErrorReason reason,
                          FailureKind kind) {
    }

    @Test
    void httpFailuresBecomeStatusesWithReasonsAndKinds() throws Exception {
        List<Answer> answers = List.of(
                new Answer(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}",
                        new String[] {"retry-after", "7"}, Status.Code.RESOURCE_EXHAUSTED, ErrorReason.MODEL_OVERLOADED,
                        FailureKind.BUSY),
                new Answer(400, "{\"error\":{\"message\":\"This model's maximum context length is 2048 tokens. However,"
                        + " you requested 4000 tokens\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}",
                        new String[0], Status.Code.INVALID_ARGUMENT, ErrorReason.CONTEXT_TOO_LONG, FailureKind.ANSWERED),
                new Answer(400, "{\"error\":{\"message\":\"temperature must be at most 2\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"temperature\",\"code\":null}}", new String[0], Status.Code.INVALID_ARGUMENT,
                        ErrorReason.INVALID_FIELD, FailureKind.ANSWERED),
                new Answer(404, "{\"error\":{\"message\":\"The model `org/remote-7b` does not exist.\"}}", new String[0],
                        Status.Code.NOT_FOUND, ErrorReason.MODEL_NOT_FOUND, FailureKind.ANSWERED),
                new Answer(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}", new String[0],
                        Status.Code.UNAVAILABLE, ErrorReason.MODEL_UNAVAILABLE, FailureKind.TRANSPORT),
                new Answer(500, "Internal Server Error", new String[0], Status.Code.UNAVAILABLE,
                        ErrorReason.MODEL_UNAVAILABLE, FailureKind.TRANSPORT),
                new Answer(503, "{\"error\":{\"message\":\"draining\"}}", new String[] {"retry-after-ms", "250"},
                        Status.Code.UNAVAILABLE, ErrorReason.MODEL_UNAVAILABLE, FailureKind.GOING_AWAY));
        for (Answer answer : answers) {
            server.on("/completions", CannedServer.json(answer.http(), answer.body(), answer.headers()));
            Call<WorkerGenerateChunk> call = new Call<>(true);
            backend(false).generate(request(GenerationParams.getDefaultInstance()), scope(Context.current(), 30), call);
            Throwable error = call.error();
            String what = "HTTP " + answer.http() + ": " + error;
            assertThat(Status.fromThrowable(error).getCode()).as(what).isEqualTo(answer.code());
            assertThat(Failures.reason(error)).as(what).contains(answer.reason());
            assertThat(Failures.model(error)).as(what).contains("generic");
            assertThat(call.kind).as(what).isEqualTo(answer.kind());
            assertThat(Status.fromThrowable(error).getDescription()).as(what).contains("HTTP " + answer.http())
                    .contains(server.baseUrl()).doesNotContain(KEY);
        }
        server.on("/completions", CannedServer.json(429, "{}", "retry-after", "7"));
        Call<WorkerGenerateChunk> busy = new Call<>(true);
        backend(false).generate(request(GenerationParams.getDefaultInstance()), scope(Context.current(), 30), busy);
        assertThat(Failures.retryDelay(busy.error())).as("Retry-After as RetryInfo").contains(Duration.ofSeconds(7));
        server.on("/completions", CannedServer.json(400, "{\"error\":{\"message\":\"bad\",\"param\":\"temperature\"}}"));
        Call<WorkerGenerateChunk> invalid = new Call<>(true);
        backend(false).generate(request(GenerationParams.getDefaultInstance()), scope(Context.current(), 30), invalid);
        assertThat(Failures.badField(invalid.error())).contains("params.temperature");
    }

    @Test
    void aServerThatIsNotThereIsUnavailableAndUnreachableUntilAPollAnswers() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        OpenAiBackend gone = backend("http://127.0.0.1:" + port + "/v1", false);
        Call<WorkerGenerateChunk> call = new Call<>(true);

        gone.generate(request(GenerationParams.getDefaultInstance()), scope(Context.current(), 30), call);

        Throwable error = call.error();
        assertThat(Failures.reason(error)).contains(ErrorReason.MODEL_UNAVAILABLE);
        assertThat(Status.fromThrowable(error).getDescription()).contains("cannot connect");
        assertThat(call.kind).isEqualTo(FailureKind.TRANSPORT);
        assertThat(gone.reachable()).isFalse();
        CompletableFuture<StatusResponse> poll = gone.status(Duration.ofSeconds(5));
        assertThat(poll).failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class);
    }

    @Test
    void aStatusPollReadsReadinessAndContextFromTheModelList() throws Exception {
        server.on("/models", CannedServer.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"other\",\"max_model_len\":"
                + "512},{\"id\":\"org/remote-7b\",\"object\":\"model\",\"max_model_len\":4096}]}"));
        ModelStatus listed = backend(false).status(Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS).getModels(0);
        assertThat(listed.getName()).as("the gateway's name of the model").isEqualTo("generic");
        assertThat(listed.getState()).isEqualTo(ModelStatus.State.READY);
        assertThat(listed.getContextTokens()).isEqualTo(4096);
        assertThat(listed.getInFlight() + listed.getQueueLength()).as("its load is this gateway's own calls").isZero();
        assertThat(server.lastAuthorization.get("/v1/models")).isEqualTo("Bearer " + KEY);

        server.on("/models", CannedServer.json(500, "{}"));
        assertThat(backend(false).status(Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS).getModels(0).getState())
                .isEqualTo(ModelStatus.State.FAILED);
    }

    @Test
    void scoreIsUnimplementedNamingTheModel() throws Exception {
        Call<WorkerScoreResponse> call = new Call<>(true);
        backend(false).score(WorkerScoreRequest.newBuilder().setModel("generic").setPrompt("a").setContinuation("b")
                .build(), scope(Context.current(), 30), call);
        Throwable error = call.error();
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(Failures.reason(error)).contains(ErrorReason.SCORE_UNSUPPORTED);
        assertThat(Failures.model(error)).contains("generic");
        assertThat(call.kind).isEqualTo(FailureKind.ANSWERED);
    }

    private static String event(String json) {
        return "data: " + json + "\n\n";
    }
}
