package dev.goldilocks.gateway;

import static dev.goldilocks.gateway.ExperimentDefinitions.admin;
import static dev.goldilocks.gateway.ExperimentDefinitions.create;
import static dev.goldilocks.gateway.ExperimentDefinitions.createAndStart;
import static dev.goldilocks.gateway.ExperimentDefinitions.genericVsSpecialist;
import static dev.goldilocks.gateway.ExperimentDefinitions.start;
import static dev.goldilocks.gateway.ExperimentDefinitions.stop;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.ChangeExperimentRequest;
import dev.goldilocks.proto.v1.DecisionLogRow;
import dev.goldilocks.proto.v1.ExperimentArm;
import dev.goldilocks.proto.v1.ExperimentReportRequest;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ListExperimentsRequest;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.store.DecisionLogSettings;
import dev.goldilocks.store.SettingsHash;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiments through the gateway's real gRPC API: created, started, paused and stopped through the admin API,
 * routing each unit by its arm (sticky, logged in the decision row and the route), kept in the decision log's
 * DuckDB file across restarts, and bad input refused naming the field with nothing changed. Gateways are replicas
 * in front of the all-in-one's workers.
 */
class ExperimentApiTest {

    private static AllInOne all;

    @TempDir
    Path data;

    @BeforeAll
    static void startAll() throws IOException {
        all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
    }

    @AfterAll
    static void stopAll() {
        all.close();
    }

    private Replica replica() throws IOException {
        return new Replica(all.gatewayConfig().withMetricsPort(0)
                .withDecisionLog(DecisionLogSettings.duckdb(data.resolve("log.duckdb"))));
    }

    private static GenerateRequest.Builder math(int i) {
        return GenerateRequest.newBuilder().setPrompt("What is " + i + " + 7?").setDomainHint("math")
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(4));
    }

    private static GenerateResponse generate(Replica gateway, GenerateRequest.Builder request) {
        return gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(request.build());
    }

    @Test
    void eachUnitIsRoutedByItsArmOnEveryRequestAndTheExposureIsLogged() throws Exception {
        try (Replica gateway = replica()) {
            ExperimentStatus started = createAndStart(gateway.channel(), genericVsSpecialist("policies")
                    .addArms(ExperimentArm.newBuilder().setName("strict").setPolicy("threshold").putSettings("tau", "0.5"))
                    .addDomains("math"));
            assertThat(started.getState()).isEqualTo("running");
            assertThat(started.getDefinition().getWeightsList()).containsExactly(1.0, 1.0, 1.0);
            assertThat(started.getEventsList()).extracting(e -> e.getKind()).containsExactly("created", "started");

            Map<String, String> armOfUnit = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                Route route = generate(gateway, math(i).setUnitId("user-" + i)).getRoute();
                assertThat(route.getArm()).isIn("control", "treatment", "strict");
                assertThat(route.getReason()).contains("experiment 'policies', arm '" + route.getArm() + "'");
                assertThat(route.getPolicy()).isEqualTo(switch (route.getArm()) {
                    case "control" -> "generic-only";
                    case "treatment" -> "specialist-by-domain";
                    default -> "threshold";
                });
                assertThat(route.getModel()).isEqualTo(route.getArm().equals("control") ? "generic" : "math-specialist");
                armOfUnit.put("user-" + i, route.getArm());
            }
            assertThat(new HashSet<>(armOfUnit.values())).as("30 units over three arms").hasSize(3);
            for (Map.Entry<String, String> unit : armOfUnit.entrySet()) {
                assertThat(generate(gateway, math(99).setUnitId(unit.getKey())).getRoute().getArm())
                        .as("sticky: %s", unit.getKey()).isEqualTo(unit.getValue());
            }

            // the decision row names the experiment and the arm, with the arm's own settings
            GenerateResponse strict = generate(gateway, math(5).setUnitId(unitIn(armOfUnit, "strict")));
            DecisionLogRow row = LoggedDecisions.row(gateway.channel(), strict.getRequestId());
            assertThat(row.getExperiment()).isEqualTo("policies");
            assertThat(row.getArm()).isEqualTo("strict");
            assertThat(row.getPolicy()).isEqualTo("threshold");
            assertThat(row.getPolicySettingsHash()).isEqualTo(SettingsHash.of(Map.of(PolicySpec.TAU, 0.5,
                    PolicySpec.EXPLORATION_FLOOR, 0.0)));
            assertThat(row.getPropensity()).isEqualTo(strict.getRoute().getPropensity());
            // feedback is attributed to the arm
            assertThat(gateway.blocking().feedback(FeedbackRequest.newBuilder().setRequestId(strict.getRequestId())
                    .setScore(1).build()).getRoute().getArm()).isEqualTo("strict");

            // not exposed: a pinned model, a requested policy, a domain outside the filter, a request without a unit
            assertThat(generate(gateway, math(1).setUnitId("user-1").setModel("generic")).getRoute().getArm()).isEmpty();
            assertThat(generate(gateway, math(1).setUnitId("user-1").setPolicy("cascade")).getRoute().getArm()).isEmpty();
            assertThat(generate(gateway, math(1).setUnitId("user-1").setDomainHint("code")).getRoute().getArm()).isEmpty();
            GenerateResponse alone = generate(gateway, math(1));
            assertThat(alone.getRoute().getArm()).isEmpty();
            assertThat(alone.getRoute().getPolicy()).isEqualTo("specialist-by-domain");
            assertThat(gateway.metric("goldilocks_experiment_requests_total{arm=\"none\",outcome=\"excluded_no_unit\"}"))
                    .isEqualTo(1);
            assertThat(gateway.metric("goldilocks_experiment_requests_total{arm=\"strict\",outcome=\"exposed_unit_id\"}"))
                    .isPositive();
            assertThat(LoggedDecisions.row(gateway.channel(), alone.getRequestId()).getExperiment()).isEmpty();

            // paused: nobody is exposed; started again: the same arms
            admin(gateway.channel()).pauseExperiment(ChangeExperimentRequest.newBuilder().setName("policies").build());
            assertThat(generate(gateway, math(2).setUnitId("user-2")).getRoute().getArm()).isEmpty();
            start(gateway.channel(), "policies");
            assertThat(generate(gateway, math(2).setUnitId("user-2")).getRoute().getArm()).isEqualTo(armOfUnit.get("user-2"));

            // stopped, shipping the treatment: its units stay on the treatment's policy, not exposed
            admin(gateway.channel()).stopExperiment(ChangeExperimentRequest.newBuilder().setName("policies")
                    .setShipArm("treatment").build());
            Route shipped = generate(gateway, math(3).setUnitId(unitIn(armOfUnit, "control"))).getRoute();
            assertThat(shipped.getArm()).isEmpty();
            assertThat(shipped.getPolicy()).isEqualTo("specialist-by-domain");
            assertThat(shipped.getReason()).contains("experiment 'policies' stopped; its units stay on arm 'treatment'");
        }
    }

    @Test
    void theApiKeysNameIsTheUnitOfARequestWithoutOneAndPerRequestRandomisationIsASetting() throws Exception {
        String key = "a-key-for-team-a-of-some-length";
        try (Replica gateway = new Replica(all.gatewayConfig().withMetricsPort(0)
                .withApiKeys(List.of(new ApiKey("team-a", ApiKey.hash(key), 1000))))) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
            GoldilocksGrpc.GoldilocksBlockingStub keyed = gateway.blocking()
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            io.grpc.Channel adminChannel = io.grpc.ClientInterceptors.intercept(gateway.channel(),
                    MetadataUtils.newAttachHeadersInterceptor(headers));
            createAndStart(adminChannel, genericVsSpecialist("by-key").addDomains("math"));
            Set<String> arms = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                arms.add(keyed.withDeadlineAfter(60, TimeUnit.SECONDS).generate(math(i).build()).getRoute().getArm());
            }
            assertThat(arms).as("one unit, the key: one arm").hasSize(1).doesNotContain("");
            assertThat(gateway.metric("goldilocks_experiment_requests_total{arm=\"" + arms.iterator().next()
                    + "\",outcome=\"exposed_api_key\"}")).isEqualTo(5);
        }
        try (Replica gateway = replica()) {
            createAndStart(gateway.channel(), genericVsSpecialist("per-request").addDomains("math")
                    .setWithoutUnit("per_request"));
            Set<String> arms = new HashSet<>();
            for (int i = 0; i < 24 && arms.size() < 2; i++) {
                arms.add(generate(gateway, math(i)).getRoute().getArm());
            }
            assertThat(arms).as("each request a unit of its own").containsExactlyInAnyOrder("control", "treatment");
        }
    }

    @Test
    void experimentsAndTheirAssignmentSurviveARestart() throws Exception {
        Map<String, String> before = new HashMap<>();
        try (Replica gateway = replica()) {
            createAndStart(gateway.channel(), genericVsSpecialist("kept").addDomains("math").setSalt("s1"));
            for (int i = 0; i < 8; i++) {
                before.put("u" + i, generate(gateway, math(i).setUnitId("u" + i)).getRoute().getArm());
            }
        }
        try (Replica gateway = replica()) {
            List<ExperimentStatus> listed = admin(gateway.channel()).listExperiments(
                    ListExperimentsRequest.getDefaultInstance()).getExperimentsList();
            assertThat(listed).extracting(x -> x.getDefinition().getName(), ExperimentStatus::getState)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("kept", "running"));
            for (Map.Entry<String, String> unit : before.entrySet()) {
                assertThat(generate(gateway, math(1).setUnitId(unit.getKey())).getRoute().getArm())
                        .isEqualTo(unit.getValue());
            }
        }
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
        try (Replica gateway = replica()) {
            io.grpc.Channel c = gateway.channel();
            createAndStart(c, genericVsSpecialist("math-only").addDomains("math"));

            refused(() -> create(c, genericVsSpecialist("x").setArms(1, ExperimentArm.newBuilder().setName("t")
                    .setPolicy("random-forest"))), Status.Code.INVALID_ARGUMENT, "definition.arms[1].policy");
            refused(() -> create(c, genericVsSpecialist("x").setArms(1, ExperimentArm.newBuilder().setName("t")
                    .setPolicy("threshold").putSettings("gamma", "2"))), Status.Code.INVALID_ARGUMENT,
                    "definition.arms[1].settings.gamma");
            refused(() -> create(c, genericVsSpecialist("x").setArms(1, ExperimentArm.newBuilder().setName("t")
                    .setPolicy("threshold").putSettings("tau", "1.5"))), Status.Code.INVALID_ARGUMENT,
                    "definition.arms[1].settings.tau");
            refused(() -> create(c, genericVsSpecialist("x").addWeights(0).addWeights(0)), Status.Code.INVALID_ARGUMENT,
                    "definition.weights");
            refused(() -> create(c, genericVsSpecialist("x").addWeights(-1).addWeights(1)),
                    Status.Code.INVALID_ARGUMENT, "definition.weights");
            refused(() -> create(c, genericVsSpecialist("x").addGuardrails(dev.goldilocks.proto.v1.ExperimentGuardrail
                    .newBuilder().setMetric("happiness"))), Status.Code.INVALID_ARGUMENT,
                    "definition.guardrails[0].metric");
            refused(() -> create(c, genericVsSpecialist("math-only")), Status.Code.ALREADY_EXISTS, null);
            assertThat(Failures.reason(catching(() -> create(c, genericVsSpecialist("math-only")))))
                    .contains(ErrorReason.EXPERIMENT_EXISTS);

            // a second running experiment on the same traffic: every domain includes math
            create(c, genericVsSpecialist("everything"));
            refused(() -> start(c, "everything"), Status.Code.INVALID_ARGUMENT, "domains");
            createAndStart(c, genericVsSpecialist("code-only").addDomains("code")); // disjoint: allowed

            StatusRuntimeException unknown = catching(() -> stop(c, "no-such-experiment"));
            assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Failures.reason(unknown)).contains(ErrorReason.EXPERIMENT_NOT_FOUND);
            assertThat(catching(() -> admin(c).experimentReport(ExperimentReportRequest.newBuilder()
                    .setName("nope").build())).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            stop(c, "code-only");
            refused(() -> start(c, "code-only"), Status.Code.FAILED_PRECONDITION, null);
            refused(() -> admin(c).stopExperiment(ChangeExperimentRequest.newBuilder().setName("math-only")
                    .setShipArm("winner").build()), Status.Code.INVALID_ARGUMENT, "ship_arm");

            // nothing changed by the refusals
            assertThat(admin(c).listExperiments(ListExperimentsRequest.getDefaultInstance()).getExperimentsList())
                    .extracting(x -> x.getDefinition().getName(), ExperimentStatus::getState)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("math-only", "running"),
                            org.assertj.core.groups.Tuple.tuple("everything", "draft"),
                            org.assertj.core.groups.Tuple.tuple("code-only", "stopped"));
            assertThat(generate(gateway, math(1).setUnitId("u")).getRoute().getArm()).isNotEmpty();
        }
    }

    @Test
    void aGatewayWithoutADecisionLogKeepsExperimentsInMemoryAndSaysSo() throws Exception {
        try (Replica gateway = new Replica(all.gatewayConfig())) {
            createAndStart(gateway.channel(), genericVsSpecialist("in-memory").addDomains("math"));
            assertThat(admin(gateway.channel()).listExperiments(ListExperimentsRequest.getDefaultInstance())
                    .getStorage()).startsWith("memory only");
            assertThat(generate(gateway, math(1).setUnitId("u1")).getRoute().getArm()).isNotEmpty();
            assertThat(admin(gateway.channel()).experimentReport(ExperimentReportRequest.newBuilder()
                    .setName("in-memory").build()).getNotesList()).anyMatch(n -> n.contains("no decision log"));
        }
    }

    private static String unitIn(Map<String, String> armOfUnit, String arm) {
        return armOfUnit.entrySet().stream().filter(e -> e.getValue().equals(arm)).findFirst().orElseThrow().getKey();
    }

    private static StatusRuntimeException catching(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call was not refused");
    }

    private static void refused(Runnable call, Status.Code code, String field) {
        StatusRuntimeException e = catching(call);
        assertThat(e.getStatus().getCode()).as(e.getStatus().getDescription()).isEqualTo(code);
        if (field != null) {
            assertThat(Failures.badField(e)).as(e.getStatus().getDescription()).contains(field);
            assertThat(e.getStatus().getDescription()).startsWith(field + ":");
        }
    }
}
