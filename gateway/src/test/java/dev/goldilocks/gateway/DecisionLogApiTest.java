package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.DecisionLogRow;
import dev.goldilocks.proto.v1.DomainReport;
import dev.goldilocks.proto.v1.EvaluateRequest;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.ModelHistory;
import dev.goldilocks.proto.v1.ReportRequest;
import dev.goldilocks.proto.v1.ReportResponse;
import dev.goldilocks.store.DecisionLogSettings;
import dev.goldilocks.store.DecisionStoreException;
import dev.goldilocks.store.SettingsHash;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision log through the gateway's API: every routed generation request leaves one row with its decision
 * and how it ended, read back through the admin API; feedback counts once across gateway restarts (the store
 * decides, not a replica's memory); the report shows the stored history after a restart; a store that cannot be
 * written degrades the log, never the gateway. Gateways here are replicas in front of the all-in-one's workers,
 * each with a DuckDB file in a temporary directory.
 */
class DecisionLogApiTest {

    private static AllInOne all;

    @TempDir
    Path data;

    @BeforeAll
    static void start() throws IOException {
        all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
    }

    @AfterAll
    static void stop() {
        all.close();
    }

    private Replica replica() throws IOException {
        return new Replica(all.gatewayConfig().withDecisionLog(DecisionLogSettings.duckdb(data.resolve("log.duckdb"))));
    }

    private static GenerateRequest.Builder ask(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setParams(GenerationParams.newBuilder().setMaxNewTokens(6));
    }

    @Test
    void everyRoutedGenerationLeavesOneRowWithItsDecisionAndHowItEnded() throws Exception {
        try (Replica gateway = replica()) {
            GenerateResponse hinted = gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .generate(ask("What is 47 + 38?").setDomainHint("math").setUnitId("user-42").build());
            DecisionLogRow row = LoggedDecisions.row(gateway.channel(), hinted.getRequestId());
            assertThat(row.getTraffic()).isEqualTo("client");
            assertThat(row.getPolicy()).isEqualTo("specialist-by-domain");
            assertThat(row.getPolicySettingsHash()).isEqualTo(SettingsHash.of(Map.of("exploration_floor", 0.0)));
            assertThat(row.getUnitHash()).matches("[0-9a-f]{32}").doesNotContain("user-42");
            assertThat(row.getDomain()).isEqualTo("math");
            assertThat(row.getConfidence()).isEqualTo(1.0);
            assertThat(row.getDomainScoresMap()).as("a hint decided, not the classifier").isEmpty();
            assertThat(row.getActionDistributionMap()).containsOnlyKeys("generic", "math-specialist");
            assertThat(row.getChosenModel()).isEqualTo(hinted.getRoute().getChosenModel()).isEqualTo("math-specialist");
            assertThat(row.getPropensity()).isEqualTo(row.getActionDistributionMap().get("math-specialist"))
                    .isEqualTo(hinted.getRoute().getPropensity());
            assertThat(row.getServedModel()).isEqualTo(hinted.getRoute().getModel());
            assertThat(row.getStatus()).isEqualTo("OK");
            assertThat(row.getPromptTokens()).isEqualTo(hinted.getUsage().getPromptTokens());
            assertThat(row.getCompletionTokens()).isEqualTo(hinted.getUsage().getCompletionTokens());
            assertThat(row.getCostUsd()).isEqualTo(hinted.getUsage().getCostUsd());
            assertThat(row.getTotalSeconds()).isEqualTo(hinted.getTiming().getTotalSeconds());
            assertThat(row.getFirstTokenSeconds()).isEqualTo(hinted.getTiming().getTimeToFirstTokenSeconds());
            assertThat(row.getComputeSeconds()).isEqualTo(hinted.getTiming().getComputeSeconds());

            // the classifier decides without a hint: its probability of every domain is kept
            List<GenerateChunk> chunks = new ArrayList<>();
            gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .generateStream(ask("public static int max(int a, int b) {").setPolicy("generic-only").build())
                    .forEachRemaining(chunks::add);
            DecisionLogRow streamed = LoggedDecisions.row(gateway.channel(), chunks.get(0).getRequestId());
            assertThat(streamed.getPolicy()).isEqualTo("generic-only");
            assertThat(streamed.getDomainScoresMap()).containsOnlyKeys("code", "legal", "prose", "math");
            assertThat(streamed.getDomainScoresMap().values().stream().mapToDouble(Double::doubleValue).sum())
                    .isCloseTo(1.0, within(1e-6));
            assertThat(streamed.getConfidence()).isEqualTo(streamed.getDomainScoresMap().get(streamed.getDomain()));
            assertThat(streamed.getServedModel()).isEqualTo("generic");

            // a pinned request that the worker refuses (too long for the model's context) is logged with its status
            String tooLong = "12 + 30 = 42. ".repeat(600);
            StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                            .generate(ask(tooLong).setModel("math-specialist").build()));
            assertThat(Failures.reason(refused)).contains(ErrorReason.CONTEXT_TOO_LONG);
            List<DecisionLogRow> rows = LoggedDecisions.await(gateway.channel(), 10,
                    r -> r.stream().anyMatch(d -> d.getStatus().equals("INVALID_ARGUMENT")));
            DecisionLogRow failed = rows.stream().filter(d -> d.getStatus().equals("INVALID_ARGUMENT")).findFirst()
                    .orElseThrow();
            assertThat(failed.getPolicy()).isEqualTo("pinned");
            assertThat(failed.getServedModel()).isEmpty();
            assertThat(failed.getChosenModel()).isEqualTo("math-specialist");
            assertThat(failed.getPropensity()).isEqualTo(1.0);

            // a request refused before routing made no decision: no row
            assertThatThrownBy(() -> gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .generate(ask("x").setDomainHint("astrology").build()))
                    .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
            GenerateResponse last = gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .generate(ask("What is 2 + 2?").setDomainHint("math").build());
            LoggedDecisions.row(gateway.channel(), last.getRequestId());
            assertThat(LoggedDecisions.latest(gateway.channel(), 100)).hasSize(4);
        }
    }

    @Test
    void feedbackCountsOnceEvenAfterARestartAndTheReportKeepsTheHistory() throws Exception {
        GenerateResponse answer;
        try (Replica first = replica()) {
            answer = first.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .generate(ask("What is 12 + 30?").setDomainHint("math").build());
            FeedbackRequest feedback = FeedbackRequest.newBuilder().setRequestId(answer.getRequestId()).setScore(1)
                    .setLabel("right").build();
            assertThat(first.blocking().feedback(feedback).getAccepted()).isTrue();
            assertThat(first.blocking().feedback(feedback).getAccepted()).isFalse();
            LoggedDecisions.await(first.channel(), 10, rows -> rows.stream()
                    .anyMatch(r -> r.getRequestId().equals(answer.getRequestId())));
        }
        try (Replica restarted = replica()) {
            // this process never saw the id: only the store can say it was counted already
            assertThat(restarted.blocking().feedback(FeedbackRequest.newBuilder().setRequestId(answer.getRequestId())
                    .setScore(0).build()).getAccepted()).isFalse();
            DecisionLogRow row = LoggedDecisions.row(restarted.channel(), answer.getRequestId());
            assertThat(row.getHasFeedback()).isTrue();
            assertThat(row.getFeedbackScore()).isEqualTo(1.0);

            ReportResponse report = GoldilocksAdminGrpc.newBlockingStub(restarted.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).report(ReportRequest.getDefaultInstance());
            assertThat(report.getDecisionLog().getState()).isEqualTo("ok");
            DomainReport math = report.getDomainsList().stream().filter(d -> d.getDomain().equals("math")).findFirst()
                    .orElseThrow();
            ModelHistory specialist = math.getHistoryList().stream()
                    .filter(h -> h.getModel().equals("math-specialist")).findFirst().orElseThrow();
            assertThat(specialist.getRequests()).isEqualTo(1);
            assertThat(specialist.getCostPer1KRequestsUsd()).isCloseTo(1000 * answer.getUsage().getCostUsd(),
                    within(1e-9));
            assertThat(specialist.getQualityList()).singleElement()
                    .satisfies(q -> {
                        assertThat(q.getSource()).isEqualTo("feedback");
                        assertThat(q.getMean()).isEqualTo(1.0);
                        assertThat(q.getN()).isEqualTo(1);
                    });
        }
    }

    @Test
    void evaluationNamesAnUnknownPolicyOrSettingAndNeedsALog() throws Exception {
        try (Replica gateway = replica()) {
            GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin = GoldilocksAdminGrpc.newBlockingStub(gateway.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            assertThat(badField(() -> admin.evaluate(EvaluateRequest.newBuilder().setPolicy("oracle").build())))
                    .isEqualTo("policy");
            assertThat(badField(() -> admin.evaluate(EvaluateRequest.newBuilder().setPolicy("threshold")
                    .putSettings("lambda_per_usd", "3").build()))).isEqualTo("settings.lambda_per_usd");
            assertThat(badField(() -> admin.evaluate(EvaluateRequest.newBuilder().setPolicy("threshold")
                    .putSettings("tau", "2").build()))).isEqualTo("settings.tau");
            assertThat(badField(() -> admin.evaluate(EvaluateRequest.newBuilder().setPolicy("cascade").build())))
                    .isEqualTo("policy");
            assertThat(badField(() -> admin.evaluate(EvaluateRequest.newBuilder().setPolicy("generic-only")
                    .setDomain("astrology").build()))).isEqualTo("domain");
            // an empty log: nothing to evaluate, said plainly
            assertThat(admin.evaluate(EvaluateRequest.newBuilder().setPolicy("generic-only").build()).getDomainsCount())
                    .isZero();
        }
        try (Replica noLog = new Replica(all.gatewayConfig())) {
            assertThatThrownBy(() -> GoldilocksAdminGrpc.newBlockingStub(noLog.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).evaluate(EvaluateRequest.newBuilder()
                            .setPolicy("generic-only").build()))
                    .satisfies(e -> assertThat(Failed.documented(e, Status.Code.FAILED_PRECONDITION))
                            .isEqualTo(ErrorReason.DECISION_LOG_OFF));
        }
    }

    @Test
    void aStoreThatCannotBeWrittenDegradesTheLogNotTheGateway() throws Exception {
        Path notADirectory = Files.writeString(data.resolve("occupied"), "a file where the log's directory should be");
        DecisionLogSettings unwritable = DecisionLogSettings.duckdb(notADirectory.resolve("log.duckdb"));
        assertThatThrownBy(() -> new Replica(all.gatewayConfig().withDecisionLog(
                DecisionLogSettings.read(dev.goldilocks.common.config.ConfigNode.parse(
                        "required: true\npath: " + notADirectory.resolve("log.duckdb"), "test.yaml")))))
                .isInstanceOf(DecisionStoreException.class).hasMessageContaining(notADirectory.toString());
        try (Replica gateway = new Replica(all.gatewayConfig().withDecisionLog(unwritable).withMetricsPort(0))) {
            GenerateResponse answer = gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .generate(ask("What is 1 + 1?").setDomainHint("math").build());
            assertThat(answer.getRoute().getModel()).isEqualTo("math-specialist");
            assertThat(answer.getUsage().getCompletionTokens()).isPositive();
            ReportResponse report = GoldilocksAdminGrpc.newBlockingStub(gateway.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).report(ReportRequest.getDefaultInstance());
            assertThat(report.getDecisionLog().getState()).isEqualTo("degraded");
            assertThat(report.getDecisionLog().getDetail()).contains(notADirectory.toString());
            assertThat(gateway.metric("goldilocks_decision_log_degraded")).isEqualTo(1.0);
            // the row waits in the bounded queue for the store (counted as dropped only when the queue overflows)
            Eventually.until("the row queued for the store",
                    () -> gateway.metric("goldilocks_decision_log_queued_rows") == 1.0);
        }
    }

    private static String badField(org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, call);
        assertThat(Failed.documented(e, Status.Code.INVALID_ARGUMENT)).isEqualTo(ErrorReason.INVALID_FIELD);
        return Failures.badField(e).orElseThrow();
    }
}
