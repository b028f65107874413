package dev.goldilocks.gateway;

import static dev.goldilocks.gateway.ExperimentDefinitions.createAndStart;
import static dev.goldilocks.gateway.ExperimentDefinitions.genericVsSpecialist;
import static dev.goldilocks.gateway.ExperimentDefinitions.stop;
import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.store.DecisionLogSettings;
import dev.goldilocks.store.PostgresCluster;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas sharing one PostgreSQL decision store: an experiment started through one routes on the other
 * within its reload interval, every unit gets the same arm from both, and a stop made on either ends the exposures
 * on both.
 */
class ExperimentReplicasTest {

    private static AllInOne all;
    private static PostgresCluster postgres;

    @BeforeAll
    static void startAll() throws Exception {
        all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
        postgres = PostgresCluster.start();
    }

    @AfterAll
    static void stopAll() throws Exception {
        all.close();
        postgres.close();
    }

    @Test
    void replicasSharingAStoreRouteEveryUnitByTheSameArm() throws Exception {
        DecisionLogSettings shared = DecisionLogSettings.read(ConfigNode.parse("store: postgresql\nurl: "
                + postgres.newDatabase() + "\ncredentials_file: " + postgres.credentialsFile() + "\n", "test"));
        try (Replica a = new Replica(all.gatewayConfig().withDecisionLog(shared));
             Replica b = new Replica(all.gatewayConfig().withDecisionLog(shared))) {
            createAndStart(a.channel(), genericVsSpecialist("shared").addDomains("math"));
            awaitArm(b, "u0", true);
            for (int i = 0; i < 20; i++) {
                String unit = "u" + i;
                assertThat(arm(b, unit)).as(unit).isEqualTo(arm(a, unit)).isNotEmpty();
            }
            stop(b.channel(), "shared");
            awaitArm(a, "u0", false);
        }
    }

    private static String arm(Replica gateway, String unit) {
        return gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(GenerateRequest.newBuilder()
                .setPrompt("What is 1 + 2?").setDomainHint("math").setUnitId(unit)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(2)).build()).getRoute().getArm();
    }

    /** Waits (a few reload intervals at most) until {@code unit}'s requests are exposed on the replica, or not. */
    private static void awaitArm(Replica gateway, String unit, boolean exposed) throws InterruptedException {
        Eventually.until("the other replica reloads its experiments", () -> arm(gateway, unit).isEmpty() != exposed);
    }
}
