package dev.goldilocks.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.goldilocks.gateway.deploy.DeployFiles.Rule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules and scrape configurations of deploy/prometheus, checked by Debian's promtool: every
 * rule file is valid, every alert has a runbook line and unit tests with series that fire it and series
 * that do not, and the unit tests pass.
 */
class PromtoolRulesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @Test
    void everyRuleFilePassesPromtoolCheckRules() throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool(), "check", "rules"));
        DeployFiles.ruleFiles().forEach(f -> command.add(f.toString()));
        Tools.Result result = Tools.run(TIMEOUT, DeployFiles.deploy(), command);
        assertThat(result.code()).as(result.both()).isZero();
        assertThat(DeployFiles.ruleFiles()).extracting(f -> f.getFileName().toString()).contains(
                "goldilocks-recording.rules.yml", "goldilocks-slo.rules.yml", "goldilocks-alerts.rules.yml");
    }

    @Test
    void everyRuleUnitTestPasses() throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool(), "test", "rules"));
        DeployFiles.ruleTests().forEach(f -> command.add(f.toString()));
        Tools.Result result = Tools.run(TIMEOUT, DeployFiles.deploy().resolve("prometheus/tests"), command);
        assertThat(result.code()).as(result.both()).isZero();
        assertThat(result.both().split("SUCCESS", -1)).as(result.both()).hasSize(DeployFiles.ruleTests().size() + 1);
    }

    @Test
    void everyAlertHasSeverityRunbookAndUnitTestsThatFireItAndThatDoNot() {
        Map<String, Boolean> fires = new TreeMap<>();
        Map<String, Boolean> staysQuiet = new TreeMap<>();
        Set<Path> loadedByTests = new HashSet<>();
        for (Path testFile : DeployFiles.ruleTests()) {
            JsonNode tests = DeployFiles.yaml(testFile);
            tests.path("rule_files").forEach(f -> loadedByTests.add(testFile.getParent().resolve(f.asText()).normalize()));
            for (JsonNode test : tests.path("tests")) {
                for (JsonNode check : test.path("alert_rule_test")) {
                    String alert = check.path("alertname").asText();
                    if (check.path("exp_alerts").isEmpty()) {
                        staysQuiet.put(alert, true);
                    } else {
                        fires.put(alert, true);
                    }
                }
            }
        }
        List<Rule> alerts = DeployFiles.rules().stream().filter(Rule::alert).toList();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(14);
        for (Rule alert : alerts) {
            assertThat(alert.node().path("labels").path("severity").asText()).as(alert.where() + " severity")
                    .isIn("page", "ticket", "warning");
            for (String annotation : List.of("summary", "description", "runbook")) {
                assertThat(alert.node().path("annotations").path(annotation).asText()).as(alert.where() + " " + annotation)
                        .isNotBlank();
            }
            assertThat(fires).as(alert.where() + ": a unit test whose series fire it").containsKey(alert.name());
            assertThat(staysQuiet).as(alert.where() + ": a unit test whose series do not fire it").containsKey(alert.name());
            assertThat(loadedByTests).as(alert.where() + ": its file is loaded by a unit test").contains(alert.file());
        }
    }

    @Test
    void theLocalConfigurationLoadsEveryRuleFile() throws Exception {
        Tools.Result result = Tools.run(TIMEOUT, DeployFiles.deploy(),
                List.of(promtool(), "check", "config", "local/prometheus.yml"));
        assertThat(result.code()).as(result.both()).isZero();
        assertThat(result.both()).contains("SUCCESS: " + DeployFiles.ruleFiles().size() + " rule files found");
    }

    /**
     * Debian's Prometheus is built without Kubernetes service discovery, so its promtool refuses
     * kubernetes_sd_configs; a promtool that has it must accept the file. Either way the relabelling that
     * the rules, dashboards and prometheus-adapter rely on is checked here.
     */
    @Test
    void theKubernetesConfigurationKeepsGoldilocksPodsAndLabelsThem() throws Exception {
        Tools.Result result = Tools.run(TIMEOUT, DeployFiles.deploy(),
                List.of(promtool(), "check", "config", "prometheus/prometheus.yml"));
        if (result.code() != 0) {
            assertThat(result.both()).as("promtool's only complaint is the missing Kubernetes discovery")
                    .contains("field kubernetes_sd_configs not found").doesNotContain("rule");
        }
        JsonNode config = DeployFiles.yaml(DeployFiles.deploy().resolve("prometheus/prometheus.yml"));
        assertThat(config.path("rule_files").get(0).asText()).isEqualTo("rules/*.rules.yml");
        JsonNode job = config.path("scrape_configs").get(0);
        assertThat(job.path("kubernetes_sd_configs").get(0).path("role").asText()).isEqualTo("pod");
        Map<String, String> targets = new TreeMap<>();
        List<String> kept = new ArrayList<>();
        for (JsonNode relabel : job.path("relabel_configs")) {
            if (relabel.path("action").asText().equals("keep")) {
                kept.add(relabel.path("source_labels").get(0).asText() + "=" + relabel.path("regex").asText());
            } else if (relabel.has("target_label")) {
                targets.put(relabel.path("target_label").asText(), relabel.path("source_labels").get(0).asText());
            }
        }
        assertThat(kept).containsExactlyInAnyOrder(
                "__meta_kubernetes_pod_label_app_kubernetes_io_part_of=goldilocks",
                "__meta_kubernetes_pod_container_port_name=metrics");
        assertThat(targets).containsEntry("namespace", "__meta_kubernetes_namespace")
                .containsEntry("pod", "__meta_kubernetes_pod_name")
                .containsEntry("pool", "__meta_kubernetes_pod_label_goldilocks_dev_pool")
                .containsEntry("component", "__meta_kubernetes_pod_label_app_kubernetes_io_component")
                .containsKey("job");
    }

    /** The offline figure the dashboards show beside the live ones is the manifest's held-out score. */
    @Test
    void theOfflineQualityRulesAreTheManifestsHeldOutScores() throws Exception {
        JsonNode manifest = DeployFiles.JSON.readTree(DeployFiles.models().resolve("manifest.json").toFile()).path("models");
        List<Rule> offline = DeployFiles.rules().stream()
                .filter(r -> r.name().equals("model_domain:goldilocks_quality_score:offline")).toList();
        int candidates = 0;
        for (Map.Entry<String, JsonNode> model : manifest.properties()) {
            boolean generic = model.getValue().path("role").asText().equals("generic");
            for (Map.Entry<String, JsonNode> domain : model.getValue().path("heldout").properties()) {
                if (!generic && !domain.getKey().equals(model.getValue().path("domain").asText())) {
                    continue; // a specialist is a candidate on its own domain only
                }
                candidates++;
                String metric = domain.getValue().has("exact_match") ? "exact_match" : "chrf";
                Rule rule = offline.stream().filter(r -> r.node().path("labels").path("model").asText().equals(model.getKey())
                        && r.node().path("labels").path("domain").asText().equals(domain.getKey())).findFirst()
                        .orElseThrow(() -> new AssertionError("no offline figure for " + model.getKey() + " on " + domain.getKey()));
                assertThat(rule.expr()).isEqualTo("vector(" + domain.getValue().path(metric).asText() + ")");
                assertThat(rule.node().path("labels").path("metric").asText()).isEqualTo(metric);
            }
        }
        assertThat(offline).hasSize(candidates);
    }

    private static String promtool() {
        return Tools.require("promtool", "prometheus").toString();
    }
}
