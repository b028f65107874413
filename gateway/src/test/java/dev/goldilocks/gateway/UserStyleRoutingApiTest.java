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
        List<String> uncertain = new ArrayList<>();
        for (LabelledPrompt p : set) {
            Route r = route(p.prompt(), "");
            predicted.add(r.getDomain());
            scored.add(new Calibration.Scored(r.getConfidence(), r.getDomain().equals(p.domain())));
            assertThat(r.getModel()).as(p.id()).isEqualTo(SPECIALISTS.get(r.getDomain()));
            assertThat(r.getClassifierTier()).as(p.id()).isIn("lexical", "embedding");
            assertThat(r.getRunnerUp()).as(p.id()).isNotEqualTo(r.getDomain()).isIn(SPECIALISTS.keySet());
            assertThat(r.getRunnerUpConfidence()).as(p.id()).isLessThanOrEqualTo(r.getConfidence());
            if (r.getUncertain()) {
                uncertain.add(p.prompt());
            }
        }
        Evaluation e = Evaluation.of(List.of("code", "legal", "prose", "math"),
                set.stream().map(LabelledPrompt::domain).toList(), predicted);
        assertThat(e.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(e.minRecall()).as("accuracy of the worst domain").isGreaterThanOrEqualTo(0.92);
        assertThat(new Calibration(scored).expectedCalibrationError()).isLessThanOrEqualTo(0.05);

        assertThat(uncertain).as("a few hand-written prompts sit between two domains").isNotEmpty();
        for (String prompt : uncertain) {
            Route r = route(prompt, "threshold");
            assertThat(r.getModel()).as(prompt).isEqualTo("generic");
            assertThat(r.getReason()).as(prompt).contains("fits no domain well");
        }

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + all.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(sum(metrics, "goldilocks_classifier_predictions_total\\{[^}]*\\}")).as("one per client prompt")
                .isEqualTo(set.size() + uncertain.size());
        assertThat(sum(metrics, "goldilocks_classifier_predictions_total\\{[^}]*outcome=\"uncertain\"[^}]*\\}"))
                .isEqualTo(2.0 * uncertain.size());
        assertThat(sum(metrics, "goldilocks_classifier_confidence_percent_bucket\\{domain=\"legal\",tier=\"lexical\",le=\"90\\.0\"\\}"))
                .as("lexical answers are sure").isZero();
        assertThat(sum(metrics, "goldilocks_classifier_confidence_percent_bucket\\{domain=\"code\",tier=\"embedding\",le=\"95\\.0\"\\}"))
                .as("the embedding tier answers the harder prompts, some below 95%").isPositive();
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
