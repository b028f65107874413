package dev.goldilocks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.EmbedRequest;
import dev.goldilocks.proto.v1.EmbedResponse;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker through its real gRPC API on an ephemeral port. */
class WorkerApiTest {

    /** Configured for cuda:0, which this CPU build of ONNX Runtime lacks. */
    private static final String ON_MISSING_GPU = "math-specialist";
    /** The generic model again, holding each Score request 3 s for others to join its batch. */
    private static final String HELD = "generic-held";

    private static WorkerServer server;
    private static ManagedChannel channel;
    private static WorkerGrpc.WorkerBlockingStub worker;

    @BeforeAll
    static void start() throws Exception {
        List<ModelConfig> models = new ArrayList<>(Arrays.stream(DemoModels.ALL).map(DemoModels::config)
                .map(m -> m.name().equals(ON_MISSING_GPU) ? onCuda(m) : m).toList());
        models.add(DemoModels.encoder());
        ModelConfig generic = DemoModels.config(DemoModels.GENERIC);
        models.add(new ModelConfig(HELD, generic.kind(), generic.path(), "cpu", 1, 1, 8, 256, 64, 3_000_000,
                generic.modelFile(), generic.tokenizerFile(), generic.info(), generic.cuda()));
        server = WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, 32, models, 0));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        worker = WorkerGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private static WorkerGrpc.WorkerBlockingStub call() {
        return worker.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static List<WorkerGenerateChunk> generate(String model, String prompt, GenerationParams params) {
        List<WorkerGenerateChunk> chunks = new ArrayList<>();
        Iterator<WorkerGenerateChunk> it = call().generate(WorkerGenerateRequest.newBuilder().setModel(model)
                .setPrompt(prompt).setParams(params).build());
        it.forEachRemaining(chunks::add);
        return chunks;
    }

    private static String text(List<WorkerGenerateChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        chunks.forEach(c -> sb.append(c.getText()));
        return sb.toString();
    }

    private static WorkerGenerateChunk last(List<WorkerGenerateChunk> chunks) {
        return chunks.get(chunks.size() - 1);
    }

    @Test
    void generationsRunningTogetherDecodeAsOneBatchAndSampleWhatTheySampleAlone() throws Exception {
        List<WorkerGenerateRequest> requests = new ArrayList<>();
        String[] prompts = {"The court held that", "def parse(text):\n    ", "What is 12 + 30?",
                "Once upon a time there was a", "Permission is hereby granted, free of charge,", "import java.util."};
        for (int i = 0; i < prompts.length; i++) {
            GenerationParams.Builder params = GenerationParams.newBuilder().setMaxNewTokens(10 + 3 * i);
            if (i % 2 == 1) {
                params.setTemperature(0.8f).setSeed(100 + i);
            }
            requests.add(WorkerGenerateRequest.newBuilder().setModel(DemoModels.GENERIC).setPrompt(prompts[i])
                    .setParams(params).build());
        }
        List<String> alone = new ArrayList<>();
        for (WorkerGenerateRequest request : requests) {
            List<WorkerGenerateChunk> chunks = new ArrayList<>();
            call().generate(request).forEachRemaining(chunks::add);
            assertThat(last(chunks).getTiming().getBatchSize()).isEqualTo(1);
            alone.add(text(chunks));
        }
        List<java.util.concurrent.CompletableFuture<List<WorkerGenerateChunk>>> together = new ArrayList<>();
        WorkerGrpc.WorkerStub async = WorkerGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        for (WorkerGenerateRequest request : requests) {
            java.util.concurrent.CompletableFuture<List<WorkerGenerateChunk>> result = new java.util.concurrent.CompletableFuture<>();
            List<WorkerGenerateChunk> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
            async.generate(request, new io.grpc.stub.StreamObserver<>() {
                @Override
                public void onNext(WorkerGenerateChunk chunk) {
                    chunks.add(chunk);
                }

                @Override
                public void onError(Throwable t) {
                    result.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    result.complete(chunks);
                }
            });
            together.add(result);
        }
        int largestBatch = 0;
        for (int i = 0; i < requests.size(); i++) {
            List<WorkerGenerateChunk> chunks = together.get(i).get(60, TimeUnit.SECONDS);
            assertThat(text(chunks)).as("request %d", i).isEqualTo(alone.get(i));
            largestBatch = Math.max(largestBatch, last(chunks).getTiming().getBatchSize());
        }
        assertThat(largestBatch).as("concurrent generations decoded together").isGreaterThan(1);
    }

    @Test
    void anEncoderEmbedsLikeSentenceTransformersAndBatchesConcurrentRequests() throws Exception {
        String[][] pairs = {
                {"How do I reverse a list in Python?", "What is the way to reverse a Python list?"},
                {"The tenant must pay rent on the first day of each month.", "Rent is due monthly on the 1st."},
                {"What is 47 plus 38?", "Add 38 to 47."},
        };
        String unrelated = "The cat slept on the warm windowsill all afternoon.";
        for (String[] pair : pairs) {
            EmbedResponse response = call().embed(EmbedRequest.newBuilder().setModel(DemoModels.ENCODER)
                    .addTexts(pair[0]).addTexts(pair[1]).addTexts(unrelated).build());
            float[] a = vector(response, 0);
            assertThat(dot(a, a)).as("unit length").isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(a).hasSize(384);
            assertThat(dot(a, vector(response, 1))).as("'%s' is closer to its paraphrase than to '%s'", pair[0], unrelated)
                    .isGreaterThan(dot(a, vector(response, 2)) + 0.2);
        }
        List<EmbedRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(EmbedRequest.newBuilder().setModel(DemoModels.ENCODER).addTexts("sentence number " + i)
                    .addTexts("x".repeat(1 + 10 * i)).build());
        }
        List<EmbedResponse> alone = new ArrayList<>();
        for (EmbedRequest request : requests) {
            alone.add(call().embed(request));
        }
        WorkerGrpc.WorkerFutureStub async = WorkerGrpc.newFutureStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        List<com.google.common.util.concurrent.ListenableFuture<EmbedResponse>> together =
                requests.stream().map(async::embed).toList();
        int largestBatch = 0;
        for (int i = 0; i < requests.size(); i++) {
            EmbedResponse response = together.get(i).get(60, TimeUnit.SECONDS);
            for (int t = 0; t < 2; t++) {
                // This MiniLM is dynamically quantized (24 DynamicQuantizeLinear nodes): activation scales come
                // from the whole batch tensor, so a batched vector differs from the lone one by more than float
                // rounding (cosine about 0.985 seen), though not in meaning. Float models match to rounding.
                assertThat(dot(vector(response, t), vector(alone.get(i), t))).as("request %d text %d cosine", i, t)
                        .isGreaterThan(0.97);
            }
            largestBatch = Math.max(largestBatch, response.getTiming().getBatchSize());
        }
        assertThat(largestBatch).as("concurrent Embed requests were batched").isGreaterThan(1);
        assertThatThrownBy(() -> call().embed(EmbedRequest.newBuilder().setModel(DemoModels.GENERIC).addTexts("x").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThatThrownBy(() -> generate(DemoModels.ENCODER, "hi", GenerationParams.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThatThrownBy(() -> call().embed(EmbedRequest.newBuilder().setModel(DemoModels.ENCODER).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                        .startsWith("texts"));
    }

    private static float[] vector(EmbedResponse response, int index) {
        List<Float> values = response.getEmbeddings(index).getValuesList();
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Test
    void scoreRequestsArrivingTogetherRunAsOneBatchAndAnswerAsTheyDoAlone() throws Exception {
        List<WorkerScoreRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // the demo config's queue holds 8
            requests.add(WorkerScoreRequest.newBuilder().setModel(DemoModels.GENERIC)
                    .setPrompt("Question " + i + ": what is " + (i * 7) + " + " + (i * i) + "?".repeat(1 + i % 4))
                    .setContinuation(" The answer is " + (i * 7 + i * i) + ".".repeat(1 + i % 3)).build());
        }
        List<WorkerScoreResponse> alone = new ArrayList<>();
        for (WorkerScoreRequest request : requests) {
            alone.add(call().score(request));
        }
        WorkerGrpc.WorkerFutureStub async = WorkerGrpc.newFutureStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        List<com.google.common.util.concurrent.ListenableFuture<WorkerScoreResponse>> futures =
                requests.stream().map(async::score).toList();
        int largestBatch = 0;
        for (int i = 0; i < requests.size(); i++) {
            WorkerScoreResponse together = futures.get(i).get(60, TimeUnit.SECONDS);
            assertThat(alone.get(i).getTiming().getBatchSize()).isEqualTo(1);
            assertThat(together.getTokensCount()).isEqualTo(alone.get(i).getTokensCount());
            assertThat(together.getLogprob()).as("request %d", i)
                    .isCloseTo(alone.get(i).getLogprob(), org.assertj.core.data.Offset.offset(1e-3));
            largestBatch = Math.max(largestBatch, together.getTiming().getBatchSize());
            assertThat(together.getTiming().getDeviceSeconds()).as("a batch's device time is shared among its requests")
                    .isCloseTo(together.getTiming().getComputeSeconds() / together.getTiming().getBatchSize(),
                            org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(largestBatch).as("concurrent Score requests were batched").isGreaterThan(1);
    }

    private static ModelConfig onCuda(ModelConfig m) {
        return new ModelConfig(m.name(), m.kind(), m.path(), "cuda:0", m.threads(), m.maxConcurrent(), m.maxQueue(),
                m.maxNewTokens(), m.maxBatchSize(), m.maxQueueDelayMicros(), m.modelFile(), m.tokenizerFile(), m.info(),
                m.cuda());
    }

    @Test
    void aModelConfiguredForAMissingGpuServesOnTheCpuAndStatusSaysSo() {
        Map<String, String> devices = new TreeMap<>();
        call().status(StatusRequest.getDefaultInstance()).getModelsList()
                .forEach(m -> devices.put(m.getName(), m.getDevice()));
        assertThat(devices).containsEntry(ON_MISSING_GPU, "cpu").containsEntry(DemoModels.GENERIC, "cpu");
        assertThat(text(generate(ON_MISSING_GPU, "What is 47 + 38?", GenerationParams.newBuilder()
                .setMaxNewTokens(8).build()))).as("it still answers").isNotEmpty();
    }

    @Test
    void everyModelStreamsTokensAndEndsWithUsage() {
        // a prompt of each model's own domain: a specialist may end at once on another domain's prompt
        Map<String, String> prompts = Map.of("generic", "Once upon a time", "code-specialist",
                "public static void main(String[] args) {", "legal-specialist", "Permission is hereby granted",
                "math-specialist", "What is 12 + 30?");
        for (String model : DemoModels.ALL) {
            List<WorkerGenerateChunk> chunks = generate(model, prompts.get(model),
                    GenerationParams.newBuilder().setMaxNewTokens(12).build());
            WorkerGenerateChunk end = last(chunks);
            assertThat(end.getFinishReason()).as(model).isIn(FinishReason.FINISH_REASON_LENGTH,
                    FinishReason.FINISH_REASON_END_OF_TEXT);
            int streamedTokens = chunks.stream().mapToInt(WorkerGenerateChunk::getTokensCount).sum();
            assertThat(end.getCompletionTokens()).as(model).isEqualTo(streamedTokens).isBetween(1, 12);
            assertThat(end.getPromptTokens()).isPositive();
            assertThat(end.getTiming().getComputeSeconds()).isPositive();
        }
    }

    @Test
    void greedyIsDeterministicAndSeededSamplingIsReproducible() {
        GenerationParams greedy = GenerationParams.newBuilder().setMaxNewTokens(16).build();
        assertThat(text(generate("generic", "In the beginning", greedy)))
                .isEqualTo(text(generate("generic", "In the beginning", greedy)));
        GenerationParams sampled = GenerationParams.newBuilder().setMaxNewTokens(16).setTemperature(1.0f)
                .setTopP(0.9f).setTopK(50).setSeed(42).build();
        String first = text(generate("generic", "In the beginning", sampled));
        assertThat(text(generate("generic", "In the beginning", sampled))).isEqualTo(first);
    }

    @Test
    void stopSequenceEndsGenerationAndIsNotReturned() {
        GenerationParams params = GenerationParams.newBuilder().setMaxNewTokens(40).build();
        String free = text(generate("code-specialist", "import java.util.", params));
        String stop = free.substring(free.length() / 2, free.length() / 2 + 1);
        String cut = text(generate("code-specialist", "import java.util.",
                params.toBuilder().addStop(stop).build()));
        assertThat(cut).isEqualTo(free.substring(0, free.indexOf(stop)));
    }

    @Test
    void unknownModelIsNotFoundAndBadParametersNameTheirField() {
        assertThatThrownBy(() -> generate("nope", "hi", GenerationParams.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(Failures.reason(e)).contains(ErrorReason.MODEL_NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("nope");
                });
        assertThatThrownBy(() -> generate("generic", "hi", GenerationParams.newBuilder().setTemperature(Float.NaN).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(Failures.reason(e)).contains(ErrorReason.INVALID_FIELD);
                    assertThat(Failures.badField(e)).contains("params.temperature");
                    assertThat(e.getStatus().getDescription()).startsWith("params.temperature");
                });
        List<WorkerGenerateChunk> served = generate("generic", "hi", GenerationParams.newBuilder().setMaxNewTokens(2).build());
        assertThat(last(served).getFinishReason()).as("the next request is served")
                .isIn(FinishReason.FINISH_REASON_LENGTH, FinishReason.FINISH_REASON_END_OF_TEXT);
    }

    /** Every string of every request is bounded: an oversized one is INVALID_FIELD naming it, never echoed. */
    @Test
    void oversizedStringsAreRefusedNamingTheirFieldWithoutEchoingThem() {
        String huge = "x".repeat((1 << 20) + 1);
        Map<String, org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = new java.util.LinkedHashMap<>();
        calls.put("model", () -> generate("m".repeat(7000), "hi", GenerationParams.getDefaultInstance()));
        calls.put("prompt", () -> generate(DemoModels.GENERIC, huge, GenerationParams.getDefaultInstance()));
        calls.put("params.stop", () -> generate(DemoModels.GENERIC, "hi", GenerationParams.newBuilder()
                .addStop("s".repeat(257)).build()));
        calls.put("continuation", () -> call().score(WorkerScoreRequest.newBuilder().setModel(DemoModels.GENERIC)
                .setPrompt("hi").setContinuation(huge).build()));
        calls.put("texts[1]", () -> call().embed(EmbedRequest.newBuilder().setModel(DemoModels.ENCODER).addTexts("a")
                .addTexts(huge).build()));
        calls.forEach((field, call) -> assertThatThrownBy(call).as(field)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(Failures.reason(e)).contains(ErrorReason.INVALID_FIELD);
                    assertThat(Failures.badField(e)).contains(field);
                    assertThat(e.getStatus().getDescription()).startsWith(field + ":").hasSizeLessThan(200);
                }));
        assertThatThrownBy(() -> generate(DemoModels.GENERIC, "word ".repeat(400), GenerationParams.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(Failures.reason(e)).contains(ErrorReason.CONTEXT_TOO_LONG);
                    assertThat(Failures.model(e)).contains(DemoModels.GENERIC);
                    assertThat(Failures.badField(e)).contains("prompt");
                });
    }

    @Test
    void prometheusEndpointCountsRequestsByOutcomeAndTimesQueueAndTokens() throws Exception {
        generate("math-specialist", "What is 1 + 1?", GenerationParams.newBuilder().setMaxNewTokens(3).build());
        assertThatThrownBy(() -> generate("math-specialist", "", GenerationParams.getDefaultInstance()));
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .containsPattern("goldilocks_worker_requests_total\\{model=\"math-specialist\",outcome=\"ok\",rpc=\"generate\"\\} [1-9]")
                .containsPattern("goldilocks_worker_requests_total\\{model=\"math-specialist\",outcome=\"invalid_argument\",rpc=\"generate\"\\} [1-9]")
                .containsPattern("goldilocks_worker_queue_seconds_bucket\\{model=\"math-specialist\",le=")
                .containsPattern("goldilocks_worker_batch_size_count\\{model=\"math-specialist\",rpc=\"generate\"\\} [1-9]")
                .contains("goldilocks_worker_time_to_first_token_seconds_count{model=\"math-specialist\"}")
                .containsPattern("goldilocks_worker_generated_tokens_total\\{model=\"math-specialist\"\\} [1-9]")
                .contains("goldilocks_worker_sequences_in_flight{model=\"generic\"}")
                .contains("goldilocks_worker_queue_length{model=\"generic\"}");
    }

    /**
     * A Score whose deadline passes while it is held for its batch (3 s on this model, by construction longer
     * than the 200 ms deadline, whatever the machine's speed) ends as deadline_exceeded in the worker's
     * metrics, never as cancelled, and leaves nothing running.
     */
    @Test
    void aCallWhoseDeadlinePassesInTheQueueIsCountedAsDeadlineExceededAndFreesTheModel() throws Exception {
        String expired = "goldilocks_worker_requests_total{model=\"" + HELD + "\",outcome=\"deadline_exceeded\",rpc=\"score\"}";
        String cancelled = "goldilocks_worker_requests_total{model=\"" + HELD + "\",outcome=\"cancelled\",rpc=\"score\"}";
        double before = metric(expired);
        assertThatThrownBy(() -> worker.withDeadlineAfter(200, TimeUnit.MILLISECONDS).score(WorkerScoreRequest.newBuilder()
                .setModel(HELD).setPrompt("2 + 2 =").setContinuation(" 4").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (metric(expired) < before + 1 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(metric(expired)).isEqualTo(before + 1);
        assertThat(metric(cancelled)).isZero();
        assertThat(model(HELD).getQueueLength() + model(HELD).getInFlight()).isZero();
    }

    /**
     * Tokens of a generation the client cancels count in goldilocks_worker_generated_tokens_total: at least
     * as many as the client received before it left.
     */
    @Test
    void tokensOfACancelledGenerationAreCounted() throws Exception {
        String tokens = "goldilocks_worker_generated_tokens_total{model=\"generic\"}";
        String cancelled = "goldilocks_worker_requests_total{model=\"generic\",outcome=\"cancelled\",rpc=\"generate\"}";
        double tokensBefore = metric(tokens);
        double cancelledBefore = metric(cancelled);
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch someTokens = new java.util.concurrent.CountDownLatch(1);
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        context.run(() -> WorkerGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS).generate(
                WorkerGenerateRequest.newBuilder().setModel(DemoModels.GENERIC).setPrompt("Once").setParams(
                        GenerationParams.newBuilder().setMaxNewTokens(250).setTemperature(1f).setSeed(4)).build(),
                new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(WorkerGenerateChunk chunk) {
                        if (received.addAndGet(chunk.getTokensCount()) >= 3) {
                            someTokens.countDown();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
        assertThat(someTokens.await(30, TimeUnit.SECONDS)).isTrue();
        context.cancel(null);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (metric(cancelled) < cancelledBefore + 1 && System.nanoTime() < until) {
            Thread.sleep(20); // how often to read the counter again; the event is the count rising
        }
        assertThat(metric(cancelled)).as("the worker saw the cancel").isEqualTo(cancelledBefore + 1);
        assertThat(metric(tokens) - tokensBefore).isGreaterThanOrEqualTo(received.get());
    }

    private static dev.goldilocks.proto.v1.ModelStatus model(String name) {
        return call().status(StatusRequest.getDefaultInstance()).getModelsList().stream()
                .filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    /** A series' value on the worker's /metrics (0 when absent). */
    private static double metric(String series) throws Exception {
        String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip().split(" ")[0]);
            }
        }
        return 0;
    }
}
