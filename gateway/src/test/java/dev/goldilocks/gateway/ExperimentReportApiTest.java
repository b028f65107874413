package dev.goldilocks.gateway;

import static dev.goldilocks.gateway.ExperimentDefinitions.admin;
import static dev.goldilocks.gateway.ExperimentDefinitions.createAndStart;
import static dev.goldilocks.gateway.ExperimentDefinitions.genericVsSpecialist;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.gateway.quality.EvalItem;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.ArmSummary;
import dev.goldilocks.proto.v1.ExperimentGuardrail;
import dev.goldilocks.proto.v1.ExperimentReportRequest;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.ExperimentSegment;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.IntervalPoint;
import dev.goldilocks.proto.v1.MetricComparison;
import dev.goldilocks.proto.v1.TreatmentResult;
import dev.goldilocks.store.DecisionLogSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An experiment's report from real traffic: held-out math items, each from a unit of its own, answered by the arm
 * its unit was assigned to and scored against the item's reference as the client's feedback. The math specialist
 * answers about 0.78 of them right and the generic model about 0.07, so the report reaches "treatment better" on
 * quality within a hundred units; the report is read through the admin RPC, /experiments.json, and /experiments
 * rendered by headless Chromium.
 */
class ExperimentReportApiTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static AllInOne all;

    @TempDir
    Path data;

    @BeforeAll
    static void startAll() throws Exception {
        all = AllInOne.start(MODELS, "127.0.0.1", 0, -1);
    }

    @AfterAll
    static void stopAll() {
        all.close();
    }

    @Test
    void theReportReachesAVerdictAndRendersInHeadlessChromium() throws Exception {
        List<EvalItem> items = EvalItem.readAll(MODELS.resolve("eval")).stream()
                .filter(i -> i.domain().equals("math")).limit(120).toList();
        try (Replica gateway = new Replica(all.gatewayConfig().withMetricsPort(0)
                .withDecisionLog(DecisionLogSettings.duckdb(data.resolve("log.duckdb"))))) {
            createAndStart(gateway.channel(), genericVsSpecialist("math-quality").addDomains("math")
                    .setPrimaryMargin(0.05).setMinUnitsPerArm(20).setPlannedUnits(120)
                    .addGuardrails(ExperimentGuardrail.newBuilder().setMetric("error_rate").setMargin(0.05)));
            int i = 0;
            for (EvalItem item : items) {
                GenerateResponse r = gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(
                        GenerateRequest.newBuilder().setPrompt(item.prompt()).setDomainHint("math").setUnitId("unit-" + i++)
                                .setParams(GenerationParams.newBuilder().setMaxNewTokens(item.maxNewTokens())).build());
                gateway.blocking().feedback(FeedbackRequest.newBuilder().setRequestId(r.getRequestId())
                        .setScore(item.score(r.getText())).build());
            }
            ExperimentReportResponse report = awaitUnits(gateway, items.size());

            assertThat(report.getSegmentsList()).extracting(ExperimentSegment::getDomain).containsExactly("", "math");
            ExperimentSegment overall = report.getSegments(0);
            assertThat(overall.getArmsList()).extracting(ArmSummary::getArm).containsExactly("control", "treatment");
            assertThat(overall.getArmsList().stream().mapToLong(ArmSummary::getRequests).sum()).isEqualTo(items.size());
            assertThat(overall.getSampleRatio().getMismatch()).isFalse();
            assertThat(overall.getSampleRatio().getPlannedSharesList()).containsExactly(0.5, 0.5);
            TreatmentResult treatment = overall.getTreatments(0);
            assertThat(treatment.getVerdict()).as(treatment.getExplanation()).isEqualTo("treatment_better");
            assertThat(treatment.getExplanation()).startsWith("'treatment' is better than control on quality");
            MetricComparison quality = treatment.getMetrics(0);
            assertThat(quality.getMetric()).isEqualTo("quality");
            assertThat(quality.getRole()).isEqualTo("primary");
            assertThat(quality.getLow()).isPositive();
            assertThat(quality.getHistoryList()).hasSize(12);
            IntervalPoint last = quality.getHistory(11);
            assertThat(last.getLow()).isEqualTo(quality.getLow());
            assertThat(last.getUnits()).isEqualTo(items.size());
            assertThat(treatment.getMetricsList()).filteredOn(m -> m.getMetric().equals("error_rate"))
                    .singleElement().satisfies(m -> assertThat(m.getGuardrail()).isEqualTo("held"));
            assertThat(treatment.getMetricsList()).filteredOn(m -> m.getMetric().equals("cost_usd"))
                    .singleElement().satisfies(m -> {
                        assertThat(m.getRole()).isEqualTo("secondary");
                        assertThat(m.getFinding()).as("the specialist costs less").isEqualTo("better");
                    });

            String pages = "http://127.0.0.1:" + gateway.metricsPort();
            JsonNode json = new ObjectMapper().readTree(get(pages + "/experiments.json").body());
            assertThat(json.get(0).get("segments").get(0).get("treatments").get(0).get("verdict").asText())
                    .isEqualTo("treatment_better");
            HeadlessChromium chromium = new HeadlessChromium();
            assertThat(Files.size(chromium.screenshot(pages + "/experiments", 2400))).as("a page with charts")
                    .isGreaterThan(20_000);
            assertThat(chromium.dom(pages + "/experiments")).contains("<svg").contains("<polygon")
                    .contains("treatment better:").contains("always-valid").contains("Sample ratio");
        }
    }

    @Test
    void thePagesAskForTheAdminApisKeys() throws Exception {
        String key = "a-key-for-the-experiments-page";
        try (Replica gateway = new Replica(all.gatewayConfig().withMetricsPort(0)
                .withApiKeys(List.of(new ApiKey("ops", ApiKey.hash(key), 10))))) {
            String page = "http://127.0.0.1:" + gateway.metricsPort() + "/experiments";
            assertThat(get(page).statusCode()).isEqualTo(401);
            HttpResponse<String> keyed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(keyed.statusCode()).isEqualTo(200);
            assertThat(keyed.body()).contains("memory only");
        }
    }

    /** The report once every request's exposure is in the log (rows are written off the requests' path). */
    private static ExperimentReportResponse awaitUnits(Replica gateway, int units) throws InterruptedException {
        return Eventually.value(units + " units in the report", () -> admin(gateway.channel()).experimentReport(
                ExperimentReportRequest.newBuilder().setName("math-quality").build()),
                r -> (r.getSegmentsCount() == 0 ? 0 : r.getSegments(0).getArmsList().stream()
                        .mapToLong(ArmSummary::getUnits).sum()) == units);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
