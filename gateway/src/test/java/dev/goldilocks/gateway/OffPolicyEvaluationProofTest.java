package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.goldilocks.gateway.decisions.EvaluationText;
import dev.goldilocks.gateway.quality.EvalItem;
import dev.goldilocks.proto.v1.DomainEvaluation;
import dev.goldilocks.proto.v1.Estimate;
import dev.goldilocks.proto.v1.EvaluateRequest;
import dev.goldilocks.proto.v1.EvaluateResponse;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.MetricEvaluation;
import dev.goldilocks.router.RoutingSettings;
import dev.goldilocks.store.DecisionLogSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's proof that off-policy estimates are right, on the demo models through the gateway. Held-out math
 * items (references known, so each answer's true quality is its exact match) are sent, without a domain hint, to a
 * gateway whose default policy (specialist-by-domain) explores with a floor of {@value #LOGGING_FLOOR}; the client
 * scores each answer against the reference and sends it as Feedback, so the log holds the quality of every
 * logged choice. From that log, two policies that never ran are estimated (generic-only, and threshold at tau =
 * {@value #TAU}, both without exploration); then each runs on the same items on a gateway of its own, and its
 * on-policy mean quality and cost per request must lie inside every estimator's interval (IPS, SNIPS, DR).
 * Evaluating the logging policy itself must give back exactly what it got (every importance weight is 1).
 *
 * <p>Tolerance: none beyond the estimators' own 95% central-limit intervals. Generation is greedy, so an item's
 * answer, score and cost on a model are the same in every run, and the targets do not explore: their on-policy
 * value is exact. The only randomness is the logging policy's exploration, drawn from a seeded generator one
 * request at a time, so the test is deterministic. The intervals are conservative here: they also cover the
 * variation between items, while the truth is the mean over these very items; with seeds 1 to 5 and 13, all 72
 * intervals (6 runs x 12) held the on-policy value. The logging policy explores at the largest floor (0.5, every
 * candidate equally likely) and tau splits the items about one third to the generic model (the demo classifier is
 * near-certain on math, confidence 0.9996 to 0.99999): with a target whose rare branch rests on a handful of logged
 * rows (tau = 0.99 under a 0.3 floor left about 4 items to the generic model) the normal interval is too narrow,
 * as the stats README warns of effective samples in the tens. Latency is not asserted: it depends on the
 * machine's load, which differs between the logging and the on-policy runs.
 */
class OffPolicyEvaluationProofTest {

    private static final int ITEMS = 300;
    private static final double LOGGING_FLOOR = 0.5;
    private static final double TAU = 0.99995;
    private static final long SEED = Long.getLong("goldilocks.ope.seed", 13);

    private static AllInOne all;
    private static List<EvalItem> items;

    @TempDir
    Path data;

    @BeforeAll
    static void start() throws IOException {
        Path models = Path.of(System.getProperty("goldilocks.models", "../models"));
        all = AllInOne.start(models, "127.0.0.1", 0, -1);
        items = EvalItem.readAll(models.resolve("eval")).stream().filter(i -> i.domain().equals("math"))
                .limit(ITEMS).toList();
    }

    @AfterAll
    static void stop() {
        all.close();
    }

    /** The all-in-one's routing with another exploration floor and tau, its draws seeded. */
    private static RoutingSettings routing(double floor, double tau) {
        RoutingSettings r = all.gatewayConfig().routing();
        return new RoutingSettings(r.domains(), r.defaultPolicy(), true, r.classifier(), 1, tau, r.minMeanLogprob(),
                r.lambda(), r.mu(), r.explorationFloor(), r.window(), floor).withSeed(SEED);
    }

    /** What one run of the items got: mean quality and cost per request over the items routed to math. */
    private record OnPolicy(double quality, double cost, int n) {
    }

    @Test
    void offPolicyEstimatesContainWhatThePoliciesGetWhenTheyRun() throws Exception {
        EvaluateResponse generic;
        EvaluateResponse threshold;
        EvaluateResponse itself;
        OnPolicy logged;
        try (Replica logging = new Replica(all.gatewayConfig().withRouting(routing(LOGGING_FLOOR, 0.8))
                .withDecisionLog(DecisionLogSettings.duckdb(data.resolve("log.duckdb"))))) {
            logged = run(logging.blocking(), "", true);
            LoggedDecisions.await(logging.channel(), 1000, rows -> rows.size() == ITEMS);
            GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin = GoldilocksAdminGrpc.newBlockingStub(logging.channel());
            generic = evaluate(admin, "generic-only", Map.of("exploration_floor", "0"));
            threshold = evaluate(admin, "threshold", Map.of("tau", Double.toString(TAU), "exploration_floor", "0"));
            itself = evaluate(admin, "specialist-by-domain", Map.of());
        }
        System.out.println(EvaluationText.of(generic) + "\n" + EvaluationText.of(threshold) + "\n"
                + EvaluationText.of(itself));

        OnPolicy genericRun;
        OnPolicy thresholdRun;
        try (Replica target = new Replica(all.gatewayConfig().withRouting(routing(0, TAU)))) {
            genericRun = run(target.blocking(), "generic-only", false);
            thresholdRun = run(target.blocking(), "threshold", false);
        }
        System.out.printf("on-policy: generic-only quality %.4f cost %.3g; threshold quality %.4f cost %.3g;"
                        + " logging policy got quality %.4f cost %.3g (%d math items)%n", genericRun.quality(),
                genericRun.cost(), thresholdRun.quality(), thresholdRun.cost(), logged.quality(), logged.cost(),
                logged.n());

        assertContains(math(generic), genericRun);
        assertContains(math(threshold), thresholdRun);
        assertThat(thresholdRun.quality()).as("the two targets differ, or the check says little")
                .isNotEqualTo(genericRun.quality());

        DomainEvaluation self = math(itself);
        assertThat(self.getRecords()).isEqualTo(logged.n());
        for (MetricEvaluation m : self.getMetricsList()) {
            Estimate got = m.getLogged();
            for (Estimate e : m.getEstimatesList()) {
                if (e.getEstimator().equals("dr")) {
                    if (m.getMetric().equals("latency_seconds")) {
                        // DR adds a term with mean zero over the logged draws, not zero in one run; with
                        // quality and cost (deterministic here: greedy answers, seeded draws) its 95% interval
                        // holds in every run, but latency changes from run to run with the machine, and in
                        // one full run here the logged mean fell just outside (0.006010 against a high
                        // end of 0.006002)
                        continue;
                    }
                    assertThat(e.getLow()).as("dr %s", m.getMetric()).isLessThanOrEqualTo(got.getValue());
                    assertThat(e.getHigh()).as("dr %s", m.getMetric()).isGreaterThanOrEqualTo(got.getValue());
                } else {
                    assertThat(e.getValue()).as("%s %s", e.getEstimator(), m.getMetric())
                            .isCloseTo(got.getValue(), within(1e-12));
                    assertThat(e.getEffectiveSampleSize()).isCloseTo(got.getRecords(), within(1e-6));
                }
            }
        }
        assertThat(metric(self, "quality").getLogged().getValue()).isCloseTo(logged.quality(), within(1e-12));
    }

    /** Every estimator's interval of quality and cost contains the on-policy value; the log supports the target. */
    private static void assertContains(DomainEvaluation d, OnPolicy truth) {
        assertThat(d.getSupported()).as("support of %s", d.getSupportGapsList()).isTrue();
        for (String metric : List.of("quality", "cost_usd")) {
            double value = metric.equals("quality") ? truth.quality() : truth.cost();
            MetricEvaluation m = metric(d, metric);
            assertThat(m.getEstimatesList()).extracting(Estimate::getEstimator).containsExactly("ips", "snips", "dr");
            for (Estimate e : m.getEstimatesList()) {
                assertThat(value).as("%s of %s: on-policy %s in [%s, %s]", e.getEstimator(), metric, value,
                        e.getLow(), e.getHigh()).isBetween(e.getLow(), e.getHigh());
            }
        }
    }

    /**
     * Sends every item once, one at a time (so seeded draws fall the same way in every run) and, when asked, its
     * score against the reference as Feedback; the mean quality and cost over the items routed to math.
     */
    private static OnPolicy run(GoldilocksGrpc.GoldilocksBlockingStub gateway, String policy, boolean feedback) {
        double quality = 0;
        double cost = 0;
        int n = 0;
        for (EvalItem item : items) {
            GenerateResponse r = gateway.withDeadlineAfter(60, TimeUnit.SECONDS).generate(GenerateRequest.newBuilder()
                    .setPrompt(item.prompt()).setPolicy(policy)
                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(item.maxNewTokens())).build());
            double score = item.score(r.getText());
            if (feedback) {
                gateway.withDeadlineAfter(60, TimeUnit.SECONDS).feedback(FeedbackRequest.newBuilder()
                        .setRequestId(r.getRequestId()).setScore(score).build());
            }
            if (r.getRoute().getDomain().equals("math")) {
                quality += score;
                cost += r.getUsage().getCostUsd();
                n++;
            }
        }
        return new OnPolicy(quality / n, cost / n, n);
    }

    private static EvaluateResponse evaluate(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin, String policy,
                                             Map<String, String> settings) {
        return admin.withDeadlineAfter(60, TimeUnit.SECONDS).evaluate(EvaluateRequest.newBuilder().setPolicy(policy)
                .putAllSettings(settings).setSinceSeconds(3600).build());
    }

    private static DomainEvaluation math(EvaluateResponse r) {
        return r.getDomainsList().stream().filter(d -> d.getDomain().equals("math")).findFirst().orElseThrow();
    }

    private static MetricEvaluation metric(DomainEvaluation d, String name) {
        return d.getMetricsList().stream().filter(m -> m.getMetric().equals(name)).findFirst().orElseThrow();
    }
}
