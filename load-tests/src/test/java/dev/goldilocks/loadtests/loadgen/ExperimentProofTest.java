package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.gateway.AllInOne;
import dev.goldilocks.gateway.GatewayServer;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.experiments.ExperimentText;
import dev.goldilocks.proto.v1.ChangeExperimentRequest;
import dev.goldilocks.proto.v1.CreateExperimentRequest;
import dev.goldilocks.proto.v1.ExperimentArm;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentEvent;
import dev.goldilocks.proto.v1.ExperimentGuardrail;
import dev.goldilocks.proto.v1.ExperimentReportRequest;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.ExperimentSegment;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ListExperimentsRequest;
import dev.goldilocks.proto.v1.MetricComparison;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.TreatmentResult;
import dev.goldilocks.store.DecisionLogSettings;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's proof, end to end: the all-in-one (real models, DuckDB decision log) runs an experiment while the load
 * generator sends held-out items from simulated users and returns each answer's score against its reference as the
 * users' feedback. The experiment is read while the load runs, as often as the test likes (the intervals are
 * always-valid), until it has its verdicts; then the load stops. A second experiment whose treatment routes
 * everything to the generic model behind a link that adds latency stops itself on its latency guardrail. Seeded
 * arrivals, prompts and units; the waits are for events (a verdict, a stop), bounded by generous deadlines.
 */
class ExperimentProofTest {

    private static final Path MODELS = PromptSetTest.MODELS;
    private static final Duration DEADLINE = Duration.ofMinutes(6);

    @TempDir
    static Path data;
    private static AllInOne all;
    private static PromptSet prompts;

    @BeforeAll
    static void start() throws Exception {
        all = AllInOne.start(MODELS, "127.0.0.1", 0, -1, AllInOne.Options.DEFAULT.withDataDir(data.resolve("serve")));
        prompts = PromptSet.load(MODELS, List.of(PromptSet.Source.EVAL));
    }

    @AfterAll
    static void stop() {
        all.close();
    }

    @Test
    void genericAgainstSpecialistsReachesAVerdictOnCostAndOnQualityPerDomain() throws Exception {
        ManagedChannel channel = new LoopbackTarget("127.0.0.1", all.gatewayPort()).channel(Optional.empty(),
                Optional.empty());
        try {
            GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin = GoldilocksAdminGrpc.newBlockingStub(channel);
            createAndStart(admin, ExperimentDefinition.newBuilder().setName("generic-vs-specialist")
                    .addArms(arm("generic", "generic-only")).addArms(arm("specialists", "specialist-by-domain"))
                    .setPrimaryMargin(0.05).setPlannedUnits(1000)
                    .addGuardrails(guardrail("latency_seconds", 0.25)).addGuardrails(guardrail("error_rate", 0.02)));
            ExperimentReportResponse report = underLoad(channel, "math=1,legal=1,prose=1", 5000,
                    () -> report(admin, "generic-vs-specialist"), ExperimentProofTest::verdictsReached);
            System.out.println(ExperimentText.report(report));

            ExperimentSegment overall = segment(report, "");
            assertThat(overall.getSampleRatio().getMismatch()).isFalse();
            assertThat(metric(overall, "cost_usd").getFinding()).isEqualTo("better");
            for (String domain : List.of("math", "legal")) {
                TreatmentResult specialists = segment(report, domain).getTreatments(0);
                assertThat(specialists.getVerdict()).as(specialists.getExplanation()).isEqualTo("treatment_better");
                assertThat(metric(segment(report, domain), "quality").getLow()).isPositive();
                MetricComparison cost = metric(segment(report, domain), "cost_usd");
                assertThat(cost.getFinding()).isEqualTo("better");
                assertThat(cost.getControl() / cost.getTreatment()).as("a specialist costs a fraction of the generic"
                        + " model in %s", domain).isGreaterThan(2);
            }
            TreatmentResult prose = segment(report, "prose").getTreatments(0);
            assertThat(prose.getVerdict()).as("both arms send prose to the generic model: %s", prose.getExplanation())
                    .isEqualTo("no_difference");
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anArmThatRoutesToASlowModelBreachesTheLatencyGuardrailAndTheExperimentStopsItself() throws Exception {
        GatewayConfig base = all.gatewayConfig();
        String generic = "generic";
        try (DelayingProxy slowLink = new DelayingProxy(all.genericWorkerPort(), 300)) {
            List<ModelRoute> models = base.models().stream().map(m -> m.name().equals(generic) ? new ModelRoute(m.name(),
                    m.role(), m.domain(), List.of(slowLink.address()), m.price(), m.prior()) : m).toList();
            GatewayServer gateway = GatewayServer.start(base.withPort(0).withModels(models)
                    .withDecisionLog(DecisionLogSettings.duckdb(data.resolve("slow/decision-log.duckdb"))));
            ManagedChannel channel = new LoopbackTarget("127.0.0.1", gateway.port()).channel(Optional.empty(),
                    Optional.empty());
            try {
                GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin = GoldilocksAdminGrpc.newBlockingStub(channel);
                createAndStart(admin, ExperimentDefinition.newBuilder().setName("slow-generic")
                        .addArms(arm("fast", "specialist-by-domain")).addArms(arm("slow", "generic-only"))
                        .addDomains("math").setPlannedUnits(400).setAutoStop(true)
                        .addGuardrails(guardrail("latency_seconds", 0.1)));
                ExperimentStatus stopped = underLoad(channel, "math=1", 5000, () -> status(admin, "slow-generic"),
                        s -> s.getState().equals("stopped"));

                ExperimentEvent last = stopped.getEvents(stopped.getEventsCount() - 1);
                assertThat(last.getKind()).isEqualTo("auto_stopped");
                assertThat(last.getDetail()).contains("guardrail breached by arm 'slow'").contains("latency_seconds")
                        .contains("back to control ('fast')");
                assertThat(stopped.getShippedArm()).isEqualTo("fast");
                TreatmentResult slow = segment(report(admin, "slow-generic"), "").getTreatments(0);
                assertThat(slow.getVerdict()).isEqualTo("guardrail_breached");
                MetricComparison latency = slow.getMetricsList().stream()
                        .filter(m -> m.getMetric().equals("latency_seconds")).findFirst().orElseThrow();
                assertThat(latency.getGuardrail()).isEqualTo("breached");
                assertThat(latency.getLow()).as("slower by more than the margin").isGreaterThan(0.1);
                // every unit is back on control's policy, no longer exposed
                for (int u = 0; u < 10; u++) {
                    Route route = GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                            .generate(GenerateRequest.newBuilder().setPrompt("What is 2 + " + u + "?").setDomainHint("math")
                                    .setUnitId("loadgen-user-" + u).setParams(GenerationParams.newBuilder()
                                            .setMaxNewTokens(3)).build()).getRoute();
                    assertThat(route.getArm()).isEmpty();
                    assertThat(route.getPolicy()).isEqualTo("specialist-by-domain");
                    assertThat(route.getReason()).contains("its units stay on arm 'fast'");
                }
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                gateway.close();
            }
        }
    }

    /**
     * Runs the load generator in the background (open loop, seeded, from {@code units} simulated users who send
     * feedback) and reads {@code read} until {@code done} holds; then stops the load.
     */
    private static <T> T underLoad(ManagedChannel channel, String mix, int units, java.util.function.Supplier<T> read,
                                   Predicate<T> done) throws Exception {
        RequestShape shape = new RequestShape(false, Optional.empty(), Optional.empty(),
                Optional.of(RequestShape.LABELLED_HINT), Optional.of(8), 60).withUnits(units, true);
        // a rate the generic model keeps up with on two shared cores (see results/capacity.md)
        LoadPlan plan = new LoadPlan(List.of(10.0), List.of(Optional.empty()), 1, DEADLINE.toSeconds(), 20_000, 14,
                DomainMix.parse(mix, prompts.domains()), shape, 10, Slo.NONE);
        Thread load = new Thread(() -> {
            try {
                new LoadTest(channel, prompts, System.out, OptionalDouble::empty).run(plan);
            } catch (InterruptedException e) {
                // stopped: the test has what it waited for
            }
        }, "loadgen");
        load.start();
        try {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (true) {
                T now = read.get();
                if (done.test(now)) {
                    return now;
                }
                assertThat(System.nanoTime()).as("waiting under load; last reading:%n%s", now).isLessThan(deadline);
                Thread.sleep(2000); // how often to read again (each read queries the store); the event is done()
            }
        } finally {
            load.interrupt();
            load.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    /** Cost decided overall; quality decided in math and legal (better) and in prose (no difference). */
    private static boolean verdictsReached(ExperimentReportResponse r) {
        if (r.getSegmentsCount() < 4) {
            return false;
        }
        return metric(segment(r, ""), "cost_usd").getFinding().equals("better")
                && segment(r, "math").getTreatments(0).getVerdict().equals("treatment_better")
                && segment(r, "legal").getTreatments(0).getVerdict().equals("treatment_better")
                && segment(r, "prose").getTreatments(0).getVerdict().equals("no_difference");
    }

    private static ExperimentSegment segment(ExperimentReportResponse r, String domain) {
        return r.getSegmentsList().stream().filter(s -> s.getDomain().equals(domain)).findFirst()
                .orElseThrow(() -> new AssertionError("no segment '" + domain + "'"));
    }

    private static MetricComparison metric(ExperimentSegment s, String metric) {
        return s.getTreatments(0).getMetricsList().stream().filter(m -> m.getMetric().equals(metric)).findFirst()
                .orElseThrow();
    }

    private static ExperimentArm arm(String name, String policy) {
        return ExperimentArm.newBuilder().setName(name).setPolicy(policy).build();
    }

    private static ExperimentGuardrail guardrail(String metric, double margin) {
        return ExperimentGuardrail.newBuilder().setMetric(metric).setMargin(margin).build();
    }

    private static void createAndStart(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin,
                                       ExperimentDefinition.Builder definition) {
        admin.withDeadlineAfter(60, TimeUnit.SECONDS).createExperiment(CreateExperimentRequest.newBuilder()
                .setDefinition(definition).build());
        admin.withDeadlineAfter(60, TimeUnit.SECONDS).startExperiment(ChangeExperimentRequest.newBuilder()
                .setName(definition.getName()).build());
    }

    private static ExperimentReportResponse report(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin, String name) {
        return admin.withDeadlineAfter(60, TimeUnit.SECONDS).experimentReport(ExperimentReportRequest.newBuilder()
                .setName(name).build());
    }

    private static ExperimentStatus status(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin, String name) {
        return admin.withDeadlineAfter(60, TimeUnit.SECONDS).listExperiments(ListExperimentsRequest.getDefaultInstance())
                .getExperimentsList().stream().filter(x -> x.getDefinition().getName().equals(name)).findFirst()
                .orElseThrow();
    }
}
