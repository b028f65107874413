package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.router.RoutingSettings;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Routing through the public API: the learned classifier, the cascade, and policies that learn from feedback. */
class RoutingApiTest {

    private static AllInOne all;
    private static final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, 0);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        all.close();
    }

    /** A client of a second gateway replica, in front of the same workers, with other routing settings. */
    private static GoldilocksGrpc.GoldilocksBlockingStub replica(String policy, double minMeanLogprob, double lambda,
                                                                  double mu) throws Exception {
        return replica(policy, minMeanLogprob, lambda, mu, all.gatewayConfig().models());
    }

    private static GoldilocksGrpc.GoldilocksBlockingStub replica(String policy, double minMeanLogprob, double lambda,
                                                                  double mu, List<ModelRoute> models) throws Exception {
        RoutingSettings r = all.gatewayConfig().routing();
        Replica replica = new Replica(all.gatewayConfig().withModels(models).withRouting(new RoutingSettings(
                r.domains(), policy, r.allowRequestPolicy(), r.classifier(), 1, r.tau(), minMeanLogprob, lambda, mu,
                r.explorationFloor(), r.window())));
        opened.add(replica);
        return replica.blocking();
    }

    private static GoldilocksGrpc.GoldilocksBlockingStub main() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
        opened.add(channel::shutdownNow);
        return GoldilocksGrpc.newBlockingStub(channel);
    }

    private static GenerateRequest ask(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(6)).build();
    }

    private static GenerateResponse generate(GoldilocksGrpc.GoldilocksBlockingStub stub, GenerateRequest r) {
        return stub.withDeadlineAfter(60, TimeUnit.SECONDS).generate(r);
    }

    @Test
    void withoutAHintTheClassifierPicksTheDomainAndItsSpecialist() {
        GoldilocksGrpc.GoldilocksBlockingStub gateway = main();
        GenerateResponse math = generate(gateway, ask("What is 12 + 30?"));
        assertThat(math.getRoute().getDomain()).isEqualTo("math");
        assertThat(math.getRoute().getModel()).isEqualTo("math-specialist");
        assertThat(math.getRoute().getConfidence()).isGreaterThan(0.9f);
        assertThat(math.getRoute().getReason()).containsAnyOf("lexical tier", "MiniLM embedding");
        assertThat(generate(gateway, ask("Is the Apache License 2.0 compatible with GPL version 2?")).getRoute()
                .getModel()).isEqualTo("legal-specialist");
        assertThat(generate(gateway, ask("Write a short story about a lighthouse keeper.")).getRoute().getModel())
                .isEqualTo("generic");
    }

    @Test
    void cascadeEscalatesAnUnsureSpecialistAndCountsBothCosts() throws Exception {
        GenerateRequest prompt = ask("import java.util.List;\n\npublic class Cache {");
        GenerateResponse specialistAlone = generate(main(), prompt.toBuilder().setModel("code-specialist").build());
        GenerateResponse genericAlone = generate(main(), prompt.toBuilder().setModel("generic").build());

        GenerateResponse escalated = generate(replica("cascade", 0.0, 100, 0.1), prompt); // mean logprob is always < 0
        assertThat(escalated.getRoute().getPolicy()).isEqualTo("cascade");
        assertThat(escalated.getRoute().getChosenModel()).isEqualTo("code-specialist");
        assertThat(escalated.getRoute().getModel()).isEqualTo("generic");
        assertThat(escalated.getRoute().getReason()).contains("escalated to generic");
        assertThat(escalated.getText()).isEqualTo(genericAlone.getText());
        assertThat(escalated.getUsage().getCostUsd()).isCloseTo(specialistAlone.getUsage().getCostUsd()
                + genericAlone.getUsage().getCostUsd(), org.assertj.core.data.Offset.offset(1e-12));

        GoldilocksGrpc.GoldilocksBlockingStub lenient = replica("cascade", -100, 100, 0.1);
        GenerateResponse kept = generate(lenient, prompt);
        assertThat(kept.getRoute().getModel()).isEqualTo("code-specialist");
        assertThat(kept.getRoute().getReason()).contains("kept");
        assertThat(kept.getText()).isEqualTo(specialistAlone.getText());

        List<GenerateChunk> chunks = new ArrayList<>();
        replica("cascade", 0.0, 100, 0.1).withDeadlineAfter(60, TimeUnit.SECONDS).generateStream(prompt)
                .forEachRemaining(chunks::add);
        assertThat(chunks.get(0).getRoute().getModel()).as("the stream's first route names who answers")
                .isEqualTo("generic");
        assertThat(chunks.stream().map(GenerateChunk::getText).reduce("", String::concat))
                .isEqualTo(genericAlone.getText());
    }

    @Test
    void utilityPolicyLearnsFromFeedback() throws Exception {
        GoldilocksGrpc.GoldilocksBlockingStub gateway = replica("utility", -1.5, 0, 0);
        GenerateResponse first = generate(gateway, ask("What is 40 + 2?"));
        assertThat(first.getRoute().getModel()).as("the math specialist's offline exact match is the better prior")
                .isEqualTo("math-specialist");
        assertThat(first.getRoute().getEstimatesMap()).containsKeys("utility.generic", "utility.math-specialist");
        int scored = 0;
        GenerateResponse r = first;
        // every specialist answer is scored 0 by its user: the estimate must fall below the generic model's
        while (r.getRoute().getModel().equals("math-specialist") && scored < 400) {
            gateway.feedback(FeedbackRequest.newBuilder().setRequestId(r.getRequestId()).setScore(0).build());
            scored++;
            r = generate(gateway, ask("What is " + scored + " + 2?"));
        }
        assertThat(r.getRoute().getModel()).as("after %d zero scores", scored).isEqualTo("generic");
        assertThat(r.getRoute().getEstimatesMap().get("quality.math-specialist"))
                .isLessThan(r.getRoute().getEstimatesMap().get("quality.generic"));
    }

    /** Every model of {@code role} served by a port where nothing listens. */
    private static List<ModelRoute> withDown(String role) {
        return all.gatewayConfig().models().stream().map(m -> m.role().equals(role)
                ? new ModelRoute(m.name(), m.role(), m.domain(), List.of("127.0.0.1:1"), m.price(), m.prior()) : m)
                .toList();
    }

    @Test
    void whenTheSpecialistsAreDownTheGenericModelAnswersAndSaysItIsAFallback() throws Exception {
        GoldilocksGrpc.GoldilocksBlockingStub gateway = replica("specialist-by-domain", -1.5, 100, 0.1,
                withDown("specialist"));
        for (String hint : List.of("math", "code", "legal")) {
            GenerateResponse r = generate(gateway, ask("What is 3 + 4?").toBuilder().setDomainHint(hint).build());
            assertThat(r.getRoute().getModel()).isEqualTo("generic");
            assertThat(r.getRoute().getChosenModel()).isEqualTo(hint + "-specialist");
            assertThat(r.getRoute().getFallback()).isTrue();
            assertThat(r.getRoute().getFallbackReason()).contains("UNAVAILABLE");
            assertThat(r.getUsage().getCompletionTokens()).isPositive();
        }
        List<GenerateChunk> chunks = new ArrayList<>();
        gateway.withDeadlineAfter(60, TimeUnit.SECONDS).generateStream(ask("What is 3 + 4?").toBuilder()
                .setDomainHint("math").build()).forEachRemaining(chunks::add);
        assertThat(chunks.get(0).getRoute().getFallback()).isTrue();
        assertThat(chunks.get(chunks.size() - 1).getFinal().getRoute().getModel()).isEqualTo("generic");
    }

    @Test
    void whenTheGenericModelIsDownTheAnswerIsUnavailableNamingIt() throws Exception {
        GoldilocksGrpc.GoldilocksBlockingStub gateway = replica("specialist-by-domain", -1.5, 100, 0.1,
                withDown("generic"));
        assertThatThrownBy(() -> generate(gateway, ask("Once upon a time").toBuilder().setDomainHint("prose").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).startsWith("model generic:").contains("no worker");
                });
        assertThat(generate(gateway, ask("What is 3 + 4?").toBuilder().setDomainHint("math").build()).getRoute()
                .getModel()).as("the specialists still serve").isEqualTo("math-specialist");
    }

    @Test
    void aRequestMayAskForTheBanditAndSeesItsPropensity() {
        GenerateResponse r = generate(main(), ask("What is 7 + 8?").toBuilder().setPolicy("bandit").build());
        assertThat(r.getRoute().getPolicy()).isEqualTo("bandit");
        assertThat(r.getRoute().getModel()).isIn("generic", "math-specialist");
        assertThat(r.getRoute().getPropensity()).isGreaterThan(0).isLessThanOrEqualTo(1);
    }
}
