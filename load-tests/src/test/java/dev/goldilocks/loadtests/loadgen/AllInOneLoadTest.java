package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.gateway.AllInOne;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A short load test against the real all-in-one: real models, real routing, both policies on the same traffic. */
class AllInOneLoadTest {

    @Test
    void bothPoliciesServeTheSameTrafficAndTheSplitFollowsTheirRoutes() throws Exception {
        PromptSet prompts = PromptSet.load(PromptSetTest.MODELS, List.of(PromptSet.Source.EVAL));
        RequestShape shape = new RequestShape(true, Optional.empty(), Optional.empty(),
                Optional.of(RequestShape.LABELLED_HINT), Optional.of(4), 60);
        LoadPlan plan = new LoadPlan(List.of(20.0), List.of(Optional.of("generic-only"), Optional.of("specialist-by-domain")),
                1, 60, 12, 5, DomainMix.parse("math=1,code=1", prompts.domains()), shape, 60, new Slo(null, null, 60.0));
        try (AllInOne all = AllInOne.start(PromptSetTest.MODELS, "127.0.0.1", 0, -1)) {
            ManagedChannel channel = new LoopbackTarget("127.0.0.1", all.gatewayPort()).channel(Optional.empty(), Optional.empty());
            try {
                List<StepResult> steps = new LoadTest(channel, prompts, new PrintStream(new ByteArrayOutputStream()),
                        OptionalDouble::empty).run(plan);
                assertThat(steps).extracting(StepResult::label).containsExactly("generic-only", "specialist-by-domain");
                for (StepResult s : steps) {
                    assertThat(s.sent()).isEqualTo(12);
                    assertThat(s.outcomes()).containsOnlyKeys("OK");
                    assertThat(s.good()).isEqualTo(12);
                    assertThat(s.quality().n()).isEqualTo(12); // every answer scored against its reference
                    assertThat(s.costPer1kUsd()).isPositive();
                    assertThat(s.ttft().p50()).isLessThanOrEqualTo(s.e2e().p50());
                    assertThat(s.routes()).allMatch(r -> r.policy().equals(s.label()));
                }
                assertThat(steps.get(0).routes()).extracting(StepResult.RouteSplit::model).containsExactly("generic");
                assertThat(steps.get(1).routes()).extracting(StepResult.RouteSplit::model)
                        .isSubsetOf("code-specialist", "math-specialist").isNotEmpty();
                // the same prompts, so the split by domain matches the specialists' shares exactly
                assertThat(steps.get(1).routes().stream().mapToLong(StepResult.RouteSplit::requests).sum()).isEqualTo(12);
                assertThat(steps.get(1).qualityByDomain().keySet()).isEqualTo(steps.get(0).qualityByDomain().keySet());
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }
}
