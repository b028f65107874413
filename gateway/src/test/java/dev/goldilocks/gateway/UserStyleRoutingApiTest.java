package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.router.classify.Calibration;
import dev.goldilocks.router.classify.Evaluation;
import dev.goldilocks.router.classify.LabelledPrompt;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-written user-style held-out set (models/routing/user-heldout.jsonl) through the public API of
 * the all-in-one: each prompt is a Generate call of one new token, and the route's domain and confidence
 * are scored against the set's labels, as a client would score them.
 */
class UserStyleRoutingApiTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static final Map<String, String> SPECIALISTS = Map.of("code", "code-specialist", "legal", "legal-specialist",
            "math", "math-specialist", "prose", "generic");
    private static AllInOne all;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        all = AllInOne.start(MODELS, "127.0.0.1", 0, 0, 0);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        all.close();
    }

    private static Route route(String prompt, String policy) {
        return GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .generate(GenerateRequest.newBuilder().setPrompt(prompt).setPolicy(policy)
                        .setParams(GenerationParams.newBuilder().setMaxNewTokens(1)).build())
                .getRoute();
    }

    @Test
    void userStylePromptsAreRoutedAccuratelyWithConfidenceThatMeansWhatItSays() throws Exception {
        List<LabelledPrompt> set = LabelledPrompt.read(MODELS.resolve("routing/user-heldout.jsonl"));
        assertThat(set).hasSizeGreaterThanOrEqualTo(400);
        List<String> predicted = new ArrayList<>();
        List<Calibration.Scored> scored = new ArrayList<>();
        int uncertain = 0;
        for (LabelledPrompt p : set) {
            Route r = route(p.prompt(), "");
            predicted.add(r.getDomain());
            scored.add(new Calibration.Scored(r.getConfidence(), r.getDomain().equals(p.domain())));
            assertThat(r.getModel()).as(p.id()).isEqualTo(SPECIALISTS.get(r.getDomain()));
            assertThat(r.getClassifierTier()).as(p.id()).isIn("lexical", "embedding");
            assertThat(r.getRunnerUp()).as(p.id()).isNotEqualTo(r.getDomain()).isIn(SPECIALISTS.keySet());
            assertThat(r.getRunnerUpConfidence()).as(p.id()).isLessThanOrEqualTo(r.getConfidence());
            uncertain += r.getUncertain() ? 1 : 0;
        }
        Evaluation e = Evaluation.of(List.of("code", "legal", "prose", "math"),
                set.stream().map(LabelledPrompt::domain).toList(), predicted);
        assertThat(e.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(e.minRecall()).as("accuracy of the worst domain").isGreaterThanOrEqualTo(0.92);
        assertThat(new Calibration(scored).expectedCalibrationError()).isLessThanOrEqualTo(0.05);

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + all.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(sum(metrics, "goldilocks_classifier_predictions_total\\{[^}]*\\}")).as("one per client prompt")
                .isGreaterThanOrEqualTo(set.size());
        assertThat(sum(metrics, "goldilocks_classifier_predictions_total\\{[^}]*outcome=\"uncertain\"[^}]*\\}"))
                .isGreaterThanOrEqualTo(uncertain);
        assertThat(metrics).containsPattern("goldilocks_classifier_confidence_bucket\\{domain=\"legal\",le=\"0\\.9\",tier=\"lexical\"\\}")
                .containsPattern("goldilocks_classifier_confidence_count\\{domain=\"code\",tier=\"embedding\"\\} [1-9]");
    }

    @Test
    void underTheThresholdPolicyAPromptThatFitsNoDomainWellGoesToTheGenericModel() {
        List<String> mixed = List.of("Write a poem about the GPL in SQL with exactly 7 lines and a proof.",
                "contract math poem code?", "hmm", "Is it legal to compute the integral of my lease in Python and sing it?",
                "thoughts?", "Explain it again, but simpler.");
        int flagged = 0;
        for (String prompt : mixed) {
            Route r = route(prompt, "threshold");
            if (r.getUncertain()) {
                flagged++;
                assertThat(r.getModel()).as(prompt).isEqualTo("generic");
                assertThat(r.getReason()).as(prompt).contains("fits no domain well");
            }
        }
        assertThat(flagged).as("prompts that mix every domain, or none").isGreaterThanOrEqualTo(1);
    }

    private static double sum(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.E+-]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
