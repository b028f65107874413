package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.ShadowSettings;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.QualityEstimate;
import dev.goldilocks.proto.v1.ReportRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shadow traffic runs off the client's path: a slow shadow model never delays a client's answer. */
class ShadowApiTest {

    /** A client's answer from the math specialist takes tens of milliseconds; the shadow model takes seconds. */
    private static final long SHADOW_DELAY_MILLIS = 2000;
    private static final long CLIENT_BOUND_MILLIS = 1000;

    @Test
    void aSlowShadowModelNeverDelaysClientsAndItsComparisonsAreRecorded() throws Exception {
        try (AllInOne all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
             WorkerProxy slowGeneric = WorkerProxy.slow(all.genericWorkerPort(), SHADOW_DELAY_MILLIS)) {
            List<ModelRoute> models = all.gatewayConfig().models().stream().map(m -> m.role().equals("generic")
                    ? new ModelRoute(m.name(), m.role(), m.domain(), List.of("127.0.0.1:" + slowGeneric.port()),
                            m.price(), m.prior()) : m).toList();
            try (Replica gateway = new Replica(all.gatewayConfig().withModels(models)
                    .withShadow(new ShadowSettings(1.0, 1)))) {
                long slowest = 0;
                for (int i = 0; i < 20; i++) {
                    long t0 = System.nanoTime();
                    GenerateResponse r = gateway.blocking().withDeadlineAfter(30, TimeUnit.SECONDS).generate(
                            GenerateRequest.newBuilder().setPrompt("What is " + i + " + 11?").setDomainHint("math")
                                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(4)).build());
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    assertThat(r.getRoute().getModel()).isEqualTo("math-specialist");
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("slowest client answer, ms")
                        .isLessThan(CLIENT_BOUND_MILLIS);
                long shadowed = 0;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (shadowed < 1 && System.nanoTime() < until) {
                    Thread.sleep(500);
                    shadowed = GoldilocksAdminGrpc.newBlockingStub(gateway.channel()).report(ReportRequest.getDefaultInstance())
                            .getDomainsList().stream().filter(d -> d.getDomain().equals("math"))
                            .flatMap(d -> d.getModelsList().stream()).flatMap(m -> m.getQualityList().stream())
                            .filter(q -> q.getSource().equals("shadow")).mapToLong(QualityEstimate::getN).max().orElse(0);
                }
                assertThat(shadowed).as("shadow comparisons judged and recorded").isPositive();
            }
        }
    }
}
