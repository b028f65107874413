package dev.goldilocks.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.router.stats.LiveStats;
import dev.goldilocks.router.stats.Prior;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A policy by name and settings: the configured ones, replaced ones checked as the config checks them. */
class PolicySpecTest {

    private static final RoutingSettings SETTINGS = new RoutingSettings(List.of("code", "legal", "prose", "math"),
            SpecialistByDomainPolicy.NAME, true, Optional.empty(), 1, 0.8, -1.5, 100, 0.1, 0.05, 500, 0.1);
    private static final ModelCatalog CATALOG = new ModelCatalog(List.of(
            new CandidateModel("big", CandidateModel.GENERIC, ""),
            new CandidateModel("math-small", CandidateModel.SPECIALIST, "math")), SETTINGS.domains());
    private static final LiveStats STATS = new LiveStats(Map.of(
            "big", new Prior(Map.of("math", 0.6), 0.2, 0.001, 10),
            "math-small", new Prior(Map.of("math", 0.5), 0.02, 0.0001, 10)), 100);

    @Test
    void everyPolicyHasItsConfiguredSettingsAndTheRightFloor() {
        assertThat(PolicySpec.configured("threshold", SETTINGS).settings())
                .containsExactly(Map.entry("tau", 0.8), Map.entry("exploration_floor", 0.1));
        assertThat(PolicySpec.configured("generic-only", SETTINGS).settings())
                .containsExactly(Map.entry("exploration_floor", 0.1));
        assertThat(PolicySpec.configured("bandit", SETTINGS).settings()).containsEntry("exploration_floor", 0.05)
                .containsEntry("lambda_per_usd", 100.0).containsEntry("mu_per_second", 0.1);
        assertThat(PolicySpec.configured("cascade", SETTINGS).settings()).containsEntry("min_mean_logprob", -1.5);
        assertThatThrownBy(() -> PolicySpec.configured("oracle", SETTINGS)).hasMessageStartingWith("policy:");
    }

    @Test
    void replacedSettingsChangeWhatThePolicyDoes() {
        DomainPrediction unsure = new DomainPrediction("math", 0.85, "code", "test");
        PolicySpec threshold = PolicySpec.configured("threshold", SETTINGS);
        assertThat(threshold.build(STATS, new SplittableRandom(1)).distribution(unsure, CATALOG).asMap())
                .containsEntry("math-small", 0.9).containsEntry("big", 0.1);
        PolicySpec strict = threshold.with(Map.of("tau", "0.9", "exploration_floor", "0"));
        assertThat(strict.settings()).containsExactly(Map.entry("tau", 0.9), Map.entry("exploration_floor", 0.0));
        assertThat(strict.build(STATS, new SplittableRandom(1)).distribution(unsure, CATALOG).asMap())
                .containsEntry("big", 1.0).containsEntry("math-small", 0.0);
    }

    @Test
    void aSettingThePolicyDoesNotHaveOrOutOfRangeIsRefusedByName() {
        PolicySpec threshold = PolicySpec.configured("threshold", SETTINGS);
        assertThatThrownBy(() -> threshold.with(Map.of("lambda_per_usd", "3")))
                .hasMessageStartingWith("settings.lambda_per_usd: policy threshold has no setting");
        assertThatThrownBy(() -> threshold.with(Map.of("tau", "high"))).hasMessageStartingWith("settings.tau: not a number");
        assertThatThrownBy(() -> threshold.with(Map.of("tau", "1.5"))).hasMessageStartingWith("settings.tau: must be between");
        assertThatThrownBy(() -> threshold.with(Map.of("exploration_floor", "0.6")))
                .hasMessageStartingWith("settings.exploration_floor: must be between 0.0 and 0.5");
        assertThat(PolicySpec.configured("bandit", SETTINGS).with(Map.of("exploration_floor", "0.6")).settings())
                .as("the bandit's own floor may exceed a half").containsEntry("exploration_floor", 0.6);
    }
}
