package dev.goldilocks.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The records the gateway fills refuse what would make the log wrong for an analyst or an estimator. */
class DecisionTest {

    @Test
    void anActionDistributionMustSumToOneAndGiveTheChosenModelAProbability() {
        Decision.Action action = new Decision.Action(Map.of("generic", 0.25, "math-specialist", 0.75), "generic");
        assertThat(action.propensity()).isEqualTo(0.25);
        assertThat(action.distribution().keySet()).containsExactly("generic", "math-specialist");

        assertThatThrownBy(() -> new Decision.Action(Map.of("generic", 0.5, "math-specialist", 0.4), "generic"))
                .hasMessageStartingWith("distribution: probabilities must sum to 1");
        assertThatThrownBy(() -> new Decision.Action(Map.of("generic", 1.0, "math-specialist", 0.0), "math-specialist"))
                .hasMessageStartingWith("chosenModel: math-specialist has no probability");
        assertThatThrownBy(() -> new Decision.Action(Map.of("generic", 1.5, "x", -0.5), "generic"))
                .hasMessageContaining("must be in [0, 1]");
    }

    @Test
    void aRawUnitIdIsRefused() {
        Decision d = Decisions.full("r-1", Instant.now());
        assertThatThrownBy(() -> new Decision(d.requestId(), d.time(), d.traffic(), "alice@example.com", d.assignment(),
                d.classification(), d.action(), d.serving(), d.timing(), d.usage(), Optional.empty()))
                .hasMessageStartingWith("unitHash:");
    }

    @Test
    void theUnitHashIsKeyedAndStable() {
        UnitHasher a = new UnitHasher("key one, sixteen bytes".getBytes());
        UnitHasher b = new UnitHasher("key two, sixteen bytes".getBytes());
        assertThat(a.hash("alice")).hasSize(UnitHasher.HEX_LENGTH).isEqualTo(a.hash("alice"))
                .isNotEqualTo(a.hash("bob")).isNotEqualTo(b.hash("alice"));
        assertThat(a.hash("")).isEmpty();
    }

    @Test
    void theSettingsHashDependsOnTheSettingsNotTheirOrder() {
        java.util.LinkedHashMap<String, Object> oneOrder = new java.util.LinkedHashMap<>();
        oneOrder.put("tau", 0.9);
        oneOrder.put("floor", 0.05);
        assertThat(SettingsHash.of(oneOrder)).isEqualTo(SettingsHash.of(Map.of("floor", 0.05, "tau", 0.9)))
                .isNotEqualTo(SettingsHash.of(Map.of("floor", 0.05, "tau", 0.8)));
    }

    @Test
    void textNeverShowsInToString() {
        assertThat(Decisions.full("r-1", Instant.now()).toString()).doesNotContain("What is 2 + 2?");
    }

    @Test
    void theLogWhenOffRecordsNothingAndSaysSo() {
        DecisionLog off = DecisionLog.off();
        assertThat(off.record(Decisions.minimal("r-1", Instant.now()))).isFalse();
        assertThat(off.recordFeedback(new Feedback("r-1", Instant.now(), 1, ""))).isEqualTo(FeedbackReceipt.UNAVAILABLE);
        assertThat(off.history()).isEmpty();
        assertThat(off.health().state()).isEqualTo(LogHealth.State.OFF);
    }
}
