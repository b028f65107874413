package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.FeedbackResponse;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ListModelsRequest;
import dev.goldilocks.proto.v1.ModelInfo;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.proto.v1.ScoreResponse;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.WorkerGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The public API of the all-in-one process (gateway and two workers on real sockets). */
class GatewayApiTest {

    private static AllInOne all;
    private static ManagedChannel channel;
    private static GoldilocksGrpc.GoldilocksBlockingStub gateway;

    @BeforeAll
    static void start() throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "../models"));
        all = AllInOne.start(models, "127.0.0.1", 0, 0);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
        gateway = GoldilocksGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        all.close();
    }

    private static GoldilocksGrpc.GoldilocksBlockingStub call() {
        return gateway.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static GenerateRequest.Builder ask(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"generic", "code-specialist", "legal-specialist", "math-specialist"})
    void unaryAndStreamingGenerationAgreeOnEveryModel(String model) {
        GenerateRequest request = ask("What is 12 + 30?").setModel(model).build();
        GenerateResponse unary = call().generate(request);
        assertThat(unary.getRoute().getModel()).isEqualTo(model);
        assertThat(unary.getRoute().getPolicy()).isEqualTo("pinned");
        assertThat(unary.getUsage().getCompletionTokens()).isEqualTo(unary.getTokensCount()).isBetween(1, 8);
        assertThat(unary.getUsage().getCostUsd()).isPositive();
        assertThat(unary.getTiming().getTotalSeconds()).isGreaterThanOrEqualTo(unary.getTiming().getTimeToFirstTokenSeconds());

        List<GenerateChunk> chunks = new ArrayList<>();
        call().generateStream(request).forEachRemaining(chunks::add);
        GenerateChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.hasFinal()).isTrue();
        assertThat(chunks.get(0).getRoute().getModel()).isEqualTo(model);
        String streamed = chunks.stream().map(GenerateChunk::getText).reduce("", String::concat);
        assertThat(streamed).isEqualTo(last.getFinal().getText()).isEqualTo(unary.getText());
        assertThat(last.getFinal().getFinishReason()).isEqualTo(unary.getFinishReason());
    }

    @Test
    void domainHintRoutesToTheDomainsSpecialistAndProseToTheGenericModel() {
        assertThat(call().generate(ask("What is 1 + 1?").setDomainHint("math").build()).getRoute().getModel())
                .isEqualTo("math-specialist");
        GenerateResponse prose = call().generate(ask("Once upon a time").setDomainHint("prose").build());
        assertThat(prose.getRoute().getModel()).isEqualTo("generic");
        assertThat(prose.getRoute().getReason()).contains("no specialist for prose");
        assertThat(call().generate(ask("x").setDomainHint("code").setPolicy("generic-only").build())
                .getRoute().getModel()).isEqualTo("generic");
    }

    @Test
    void scoreAgreesWithTheLogprobsOfAGreedyGenerate() {
        // A prompt whose greedy answer re-tokenizes to the tokens generated: a generated run such as "\n\n\n"
        // may come out as single tokens that BPE merges when the text is encoded again.
        String prompt = "Once upon a time";
        GenerateResponse generated = call().generate(ask(prompt).setModel("generic")
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(12).setLogprobs(true)).build());
        ScoreResponse score = call().score(ScoreRequest.newBuilder().setModel("generic")
                .setPrompt(prompt).setContinuation(generated.getText()).build());
        assertThat(score.getTokensList().stream().map(Token::getId).toList())
                .isEqualTo(generated.getTokensList().stream().map(Token::getId).toList());
        double sum = 0;
        for (int i = 0; i < generated.getTokensCount(); i++) {
            assertThat(score.getTokens(i).getLogprob()).isCloseTo(generated.getTokens(i).getLogprob(), within(1e-3f));
            sum += generated.getTokens(i).getLogprob();
        }
        assertThat(score.getLogprob()).isCloseTo(sum, within(1e-2));
        assertThat(score.getLogprobPerByte()).isCloseTo(sum / generated.getText().getBytes(
                java.nio.charset.StandardCharsets.UTF_8).length, within(1e-2));
    }

    /**
     * The generic worker here passes on the first chunk and then holds the stream: the deadline certainly
     * passes mid-generation, however fast the machine. The client gets DEADLINE_EXCEEDED, the gateway cancels
     * its worker call, and the worker is free again.
     */
    @Test
    void anExpiredDeadlineIsDeadlineExceededAndFreesTheWorker() throws Exception {
        GenerateRequest longRun = ask("Once").setModel("generic").setParams(GenerationParams.newBuilder()
                .setMaxNewTokens(250).setTemperature(1f).setSeed(3)).build();
        try (HoldingWorker held = new HoldingWorker(all.genericWorkerPort()); Replica gateway = gatewayOn(held)) {
            assertThatThrownBy(() -> gateway.blocking().withDeadlineAfter(3, TimeUnit.SECONDS).generateStream(longRun)
                    .forEachRemaining(c -> { }))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(held.cancelled().await(30, TimeUnit.SECONDS)).as("the gateway cancelled its worker call").isTrue();
            assertThat(genericWorkerIdleWithin(30)).as("no sequence still computing after the deadline").isTrue();
        }
        GenerateResponse next = call().generate(ask("Once").setModel("generic").build());
        assertThat(next.getUsage().getCompletionTokens()).as("the next request is served").isEqualTo(next.getTokensCount());
        assertThat(next.getFinishReason()).isIn(FinishReason.FINISH_REASON_LENGTH, FinishReason.FINISH_REASON_END_OF_TEXT);
    }

    @Test
    void invalidUtf8InAStringFieldIsInvalidArgumentAndTheServerKeepsServing() {
        MethodDescriptor<byte[], byte[]> raw = GoldilocksGrpc.getGenerateMethod().toBuilder(new Bytes(), new Bytes()).build();
        byte[] invalidPrompt = {0x0A, 0x02, (byte) 0xC3, 0x28}; // field 1 (prompt): two bytes that are not UTF-8
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, raw,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), invalidPrompt))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(Failed.documented(e, Status.Code.INVALID_ARGUMENT)).isEqualTo(ErrorReason.MALFORMED_REQUEST);
                    assertThat(e.getStatus().getDescription()).startsWith("request:").contains("UTF-8");
                });
        assertThat(call().generate(ask("Hello").build()).getFinishReason())
                .isNotEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED);
    }

    /**
     * A client that cancels after the first text: the worker here holds its stream after the first chunk, so
     * the cancel certainly arrives mid-generation and must reach the worker.
     */
    @Test
    void aClientCancellingCancelsTheWorkerCall() throws Exception {
        try (HoldingWorker held = new HoldingWorker(all.genericWorkerPort()); Replica gateway = gatewayOn(held)) {
            io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
            java.util.concurrent.CountDownLatch firstText = new java.util.concurrent.CountDownLatch(1);
            context.run(() -> gateway.async().withDeadlineAfter(60, TimeUnit.SECONDS).generateStream(
                    ask("Once").setModel("generic").setParams(GenerationParams.newBuilder().setMaxNewTokens(250)
                            .setTemperature(1f).setSeed(4)).build(), new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(GenerateChunk chunk) {
                            firstText.countDown();
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    }));
            assertThat(firstText.await(30, TimeUnit.SECONDS)).isTrue();
            context.cancel(null);
            assertThat(held.cancelled().await(30, TimeUnit.SECONDS)).as("the worker saw the cancel").isTrue();
            assertThat(genericWorkerIdleWithin(30)).as("the worker stopped generating for the cancelled client").isTrue();
        }
    }

    /** A gateway replica whose generic model is served through {@code held}. */
    private static Replica gatewayOn(HoldingWorker held) throws java.io.IOException {
        List<dev.goldilocks.gateway.config.ModelRoute> models = all.gatewayConfig().models().stream()
                .map(m -> m.role().equals("generic") ? new dev.goldilocks.gateway.config.ModelRoute(m.name(), m.role(),
                        m.domain(), List.of("127.0.0.1:" + held.port()), m.price(), m.prior()) : m).toList();
        return new Replica(all.gatewayConfig().withModels(models));
    }

    private static boolean genericWorkerIdleWithin(int seconds) throws InterruptedException {
        ManagedChannel direct = NettyChannelBuilder.forAddress("127.0.0.1", all.genericWorkerPort()).usePlaintext().build();
        try {
            WorkerGrpc.WorkerBlockingStub worker = WorkerGrpc.newBlockingStub(direct);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < until) {
                Thread.sleep(20); // how often to ask the worker again, not a guess at when it is idle
                if (worker.withDeadlineAfter(5, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance())
                        .getModels(0).getInFlight() == 0) {
                    return true;
                }
            }
            return false;
        } finally {
            direct.shutdownNow();
        }
    }

    /** Raw bytes, to send what a well-behaved client library would refuse to encode. */
    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static Stream<Arguments> badRequests() {
        String longPrompt = "word ".repeat(2000);
        return Stream.of(
                Arguments.of(ask("").build(), Status.Code.INVALID_ARGUMENT, "prompt"),
                Arguments.of(ask(longPrompt).setModel("generic").build(), Status.Code.INVALID_ARGUMENT, "prompt"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setMaxNewTokens(0)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.max_new_tokens"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setMaxNewTokens(-5)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.max_new_tokens"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setMaxNewTokens(100_000)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.max_new_tokens"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setTemperature(Float.NaN)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.temperature"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setTemperature(-0.5f)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.temperature"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setTopP(0f)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.top_p"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setTopP(1.5f)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.top_p"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setTopK(-1)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.top_k"),
                Arguments.of(ask("x".repeat(40_000)).build(), Status.Code.INVALID_ARGUMENT, "prompt"),
                Arguments.of(ask("hi").putMetadata("k", "v".repeat(5000)).build(), Status.Code.INVALID_ARGUMENT, "metadata"),
                Arguments.of(ask("hi").setModel("no-such-model").build(), Status.Code.NOT_FOUND, "model"),
                Arguments.of(ask("hi").setDomainHint("astrology").build(), Status.Code.INVALID_ARGUMENT, "domain_hint"),
                Arguments.of(ask("hi").setPolicy("coin-flip").build(), Status.Code.INVALID_ARGUMENT, "policy"),
                Arguments.of(ask("hi").setModel("m".repeat(7000)).build(), Status.Code.INVALID_ARGUMENT, "model"),
                Arguments.of(ask("hi").setDomainHint("d".repeat(7000)).build(), Status.Code.INVALID_ARGUMENT, "domain_hint"),
                Arguments.of(ask("hi").setPolicy("p".repeat(7000)).build(), Status.Code.INVALID_ARGUMENT, "policy"),
                Arguments.of(ask("hi").setUnitId("u".repeat(257)).build(), Status.Code.INVALID_ARGUMENT, "unit_id"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().setTemperature(100.5f)).build(),
                        Status.Code.INVALID_ARGUMENT, "params.temperature"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().addAllStop(
                        java.util.Collections.nCopies(17, "x"))).build(), Status.Code.INVALID_ARGUMENT, "params.stop"),
                Arguments.of(ask("hi").setParams(GenerationParams.newBuilder().addStop("s".repeat(257))).build(),
                        Status.Code.INVALID_ARGUMENT, "params.stop"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badInputIsRefusedNamingTheFieldAndTheNextRequestIsServed(GenerateRequest bad, Status.Code code, String field) {
        assertThatThrownBy(() -> call().generate(bad)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            ErrorReason reason = Failed.documented(e, code);
            assertThat(e.getStatus().getDescription()).startsWith(field + ":");
            if (code == Status.Code.INVALID_ARGUMENT) {
                assertThat(Failures.badField(e)).as("google.rpc.BadRequest in the trailers").contains(field);
            } else {
                assertThat(reason).isEqualTo(ErrorReason.MODEL_NOT_FOUND);
            }
        });
        assertThatThrownBy(() -> call().generateStream(bad).forEachRemaining(c -> { }))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> Failed.documented(e, code));
        assertThat(call().generate(ask("Hello").build()).getFinishReason())
                .isNotEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED);
    }

    /**
     * A model, domain_hint or policy of 7 KB once came back in the status message: the trailer passed a
     * client's default 8 KiB metadata limit, that call failed with RESOURCE_EXHAUSTED and so did the other
     * streams on its connection. Now each gets INVALID_ARGUMENT naming the field, in a small trailer, and a
     * stream open on the same connection (a health Watch, which stays open) is not disturbed.
     */
    @Test
    void oversizedNamesAreRefusedInSmallTrailersAndAStreamOnTheSameConnectionKeepsWorking() throws Exception {
        ManagedChannel defaults = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext()
                .maxInboundMetadataSize(8192).build(); // grpc-java's default, stated
        try {
            java.util.concurrent.BlockingQueue<Object> watch = new java.util.concurrent.LinkedBlockingQueue<>();
            io.grpc.Context.CancellableContext watching = io.grpc.Context.current().withCancellation();
            watching.run(() -> io.grpc.health.v1.HealthGrpc.newStub(defaults).watch(
                    io.grpc.health.v1.HealthCheckRequest.getDefaultInstance(), new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(io.grpc.health.v1.HealthCheckResponse response) {
                            watch.add(response.getStatus());
                        }

                        @Override
                        public void onError(Throwable t) {
                            watch.add(t);
                        }

                        @Override
                        public void onCompleted() {
                            watch.add("completed");
                        }
                    }));
            assertThat(watch.poll(30, TimeUnit.SECONDS)).isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
            GoldilocksGrpc.GoldilocksBlockingStub stub = GoldilocksGrpc.newBlockingStub(defaults)
                    .withDeadlineAfter(60, TimeUnit.SECONDS);
            String big = "x".repeat(7 * 1024);
            Map<String, org.assertj.core.api.ThrowableAssert.ThrowingCallable> oversized = new java.util.LinkedHashMap<>();
            oversized.put("model", () -> stub.generate(ask("hi").setModel(big).build()));
            oversized.put("domain_hint", () -> stub.generate(ask("hi").setDomainHint(big).build()));
            oversized.put("policy", () -> stub.generateStream(ask("hi").setPolicy(big).build()).forEachRemaining(c -> { }));
            oversized.put("model ", () -> stub.score(ScoreRequest.newBuilder().setPrompt("a").setContinuation("b")
                    .setModel(big).build()));
            oversized.put("domain_hint ", () -> stub.score(ScoreRequest.newBuilder().setPrompt("a").setContinuation("b")
                    .setDomainHint(big).build()));
            oversized.forEach((field, call) -> assertThatThrownBy(call).as(field)
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(Failed.documented(e, Status.Code.INVALID_ARGUMENT)).isEqualTo(ErrorReason.INVALID_FIELD);
                        assertThat(Failures.badField(e)).contains(field.strip());
                        assertThat(e.getStatus().getDescription()).isEqualTo(field.strip()
                                + ": 7168 bytes, more than the limit of 256");
                    }));
            String unknown = "no-such-model-" + "y".repeat(186);
            assertThatThrownBy(() -> stub.generate(ask("hi").setModel(unknown).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(Failed.documented(e, Status.Code.NOT_FOUND)).isEqualTo(ErrorReason.MODEL_NOT_FOUND);
                        assertThat(e.getStatus().getDescription()).as("the name echoed, capped at 64 characters")
                                .contains(unknown.substring(0, 64) + "... (200 characters)")
                                .doesNotContain(unknown.substring(0, 65));
                    });
            assertThat(stub.generate(ask("Hello").build()).getFinishReason())
                    .isNotEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED);
            assertThat(watch).as("the health Watch on the same connection saw no error").isEmpty();
            watching.cancel(null);
        } finally {
            defaults.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void feedbackIsAttributedOnceAndForgedIdsAreRefused() {
        GenerateResponse r = call().generate(ask("What is 2 + 2?").setDomainHint("math").build());
        FeedbackResponse first = call().feedback(FeedbackRequest.newBuilder().setRequestId(r.getRequestId())
                .setScore(1.0).build());
        assertThat(first.getAccepted()).isTrue();
        assertThat(first.getRoute().getModel()).isEqualTo("math-specialist");
        assertThat(first.getRoute().getDomain()).isEqualTo("math");
        assertThat(call().feedback(FeedbackRequest.newBuilder().setRequestId(r.getRequestId()).setScore(0.0).build())
                .getAccepted()).as("a second feedback for the same id").isFalse();
        String id = r.getRequestId();
        String forged = id.substring(0, id.indexOf('.') - 2) + "xx" + id.substring(id.indexOf('.'));
        assertThatThrownBy(() -> call().feedback(FeedbackRequest.newBuilder().setRequestId(forged).setScore(1).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(Failed.documented(e, Status.Code.INVALID_ARGUMENT)).isEqualTo(ErrorReason.INVALID_FIELD);
                    assertThat(e.getStatus().getDescription()).startsWith("request_id:");
                });
        for (String unknown : List.of("not-a-request-id", "a.b", id.substring(0, id.indexOf('.')), "r".repeat(7000))) {
            assertThatThrownBy(() -> call().feedback(FeedbackRequest.newBuilder().setRequestId(unknown).setScore(1).build()))
                    .as(unknown).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        Failed.documented(e, Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).startsWith("request_id:");
                    });
        }
        assertThatThrownBy(() -> call().feedback(FeedbackRequest.newBuilder().setRequestId(id).setScore(1.5).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    Failed.documented(e, Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("score:");
                });
        assertThatThrownBy(() -> call().feedback(FeedbackRequest.newBuilder().setRequestId(id).setScore(1)
                .setLabel("l".repeat(65)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    Failed.documented(e, Status.Code.INVALID_ARGUMENT);
                    assertThat(Failures.badField(e)).contains("label");
                });
    }

    @Test
    void prometheusScrapesRequestsCostQualityAndWorkerMetricsFromOneEndpoint() throws Exception {
        GenerateResponse r = call().generate(ask("What is 5 + 5?").setDomainHint("math").build());
        call().feedback(FeedbackRequest.newBuilder().setRequestId(r.getRequestId()).setScore(0.5).build());
        assertThatThrownBy(() -> call().generate(ask("").build()));
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + all.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .containsPattern("goldilocks_requests_total\\{arm=\"none\",domain=\"math\",fallback=\"false\","
                        + "model=\"math-specialist\",outcome=\"ok\",policy=\"specialist-by-domain\",rpc=\"generate\","
                        + "traffic=\"client\"\\} [1-9]")
                .containsPattern("goldilocks_requests_total\\{.*outcome=\"invalid_argument\".*\\} [1-9]")
                .containsPattern("goldilocks_model_cost_usd_total\\{domain=\"math\",model=\"math-specialist\"\\} [0-9.E-]+")
                .containsPattern("goldilocks_quality_score_count\\{arm=\"none\",domain=\"math\",model=\"math-specialist\","
                        + "policy=\"specialist-by-domain\",source=\"feedback\"\\} [1-9]")
                .contains("goldilocks_time_to_first_token_seconds_bucket{")
                .contains("goldilocks_stage_seconds_count{model=\"math-specialist\",stage=\"route\"}")
                .contains("goldilocks_requests_in_flight")
                .contains("goldilocks_worker_requests_total{model=\"math-specialist\",outcome=\"ok\",rpc=\"generate\"}");
    }

    /** Only the gateway's own traffic may be labelled probe or shadow: a client's claim is ignored. */
    @Test
    void aClientClaimingToBeProbeTrafficIsCountedAsAClient() throws Exception {
        String client = "goldilocks_requests_total{arm=\"none\",domain=\"legal\",fallback=\"false\",model=\"legal-specialist\","
                + "outcome=\"ok\",policy=\"pinned\",rpc=\"generate\",traffic=\"client\"}";
        double before = metric(client);
        io.grpc.Metadata claim = new io.grpc.Metadata();
        claim.put(dev.goldilocks.gateway.quality.Traffic.HEADER, "probe");
        GenerateResponse r = call().withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(claim))
                .generate(ask("The tenant shall").setModel("legal-specialist").setDomainHint("legal").build());
        assertThat(r.getRoute().getModel()).isEqualTo("legal-specialist");
        assertThat(metric(client)).isEqualTo(before + 1);
        assertThat(scrape()).as("this all-in-one runs no probes: nothing may count as probe traffic")
                .doesNotContain("traffic=\"probe\"");
    }

    private static String scrape() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + all.metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A series' value on /metrics (0 when absent). */
    private static double metric(String series) throws Exception {
        for (String line : scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip().split(" ")[0]);
            }
        }
        return 0;
    }

    @Test
    void listModelsShowsEveryModelReadyWithItsPrice() {
        List<ModelInfo> models = call().listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        assertThat(models).extracting(ModelInfo::getName)
                .containsExactlyInAnyOrder("generic", "code-specialist", "legal-specialist", "math-specialist");
        assertThat(models).allSatisfy(m -> {
            assertThat(m.getReady()).isTrue();
            assertThat(m.getContextTokens()).isEqualTo(256);
        });
        double generic = models.stream().filter(m -> m.getName().equals("generic")).findFirst().orElseThrow()
                .getCompletionPricePer1K();
        double math = models.stream().filter(m -> m.getName().equals("math-specialist")).findFirst().orElseThrow()
                .getCompletionPricePer1K();
        assertThat(generic).as("the generic model costs more per token").isGreaterThan(3 * math);
    }
}
