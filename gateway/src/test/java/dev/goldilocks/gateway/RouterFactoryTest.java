package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.router.RouteDecision;
import dev.goldilocks.router.Router;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The router the gateway builds from its configuration: the exploration floor reaches the policies. */
class RouterFactoryTest {

    /** A router without a classifier (domain hints only), so the factory holds no encoder to close. */
    private static Router router(String routing) throws Exception {
        return RouterFactory.create(GatewayConfigReader.read(ConfigNode.parse("""
                signing_key: 0123456789abcdef0123
                routing: %s
                models:
                  generic: {role: generic, endpoints: ["w1:7001"]}
                  math-specialist: {role: specialist, domain: math, endpoints: ["w2:7001"]}
                """.formatted(routing), "gateway.yaml"), Path.of("."))).router();
    }

    @Test
    void theConfiguredFloorSendsThatShareToTheOtherCandidateAndSaysSo() throws Exception {
        Router router = router("{exploration_floor: 0.25}");
        int explored = 0;
        for (int i = 0; i < 400; i++) {
            RouteDecision d = router.route("What is 2 + 2?", "math", "");
            assertThat(d.distribution().asMap())
                    .containsExactly(Map.entry("generic", 0.25), Map.entry("math-specialist", 0.75));
            if (d.model().equals("generic")) {
                explored++;
                assertThat(d.reason()).contains("exploration draw (floor 0.250): generic instead of math-specialist");
                assertThat(d.propensity()).isEqualTo(0.25);
            }
        }
        // the gateway's random source is unseeded: 55 to 145 is five standard deviations of Binomial(400, 0.25)
        assertThat(explored).as("a quarter of 400").isBetween(55, 145);
        assertThat(router.route("Tell me a story.", "prose", "").distribution().asMap())
                .as("no specialist for prose: nothing to explore").containsExactly(Map.entry("generic", 1.0));
    }

    @Test
    void withoutAFloorTheDefaultPolicyAlwaysTakesItsPick() throws Exception {
        Router router = router("{}");
        for (int i = 0; i < 100; i++) {
            RouteDecision d = router.route("What is 2 + 2?", "math", "");
            assertThat(d.model()).isEqualTo("math-specialist");
            assertThat(d.propensity()).isEqualTo(1.0);
        }
    }
}
