package dev.goldilocks.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards' structure (Grafana itself is not installed here, so they are not rendered):
 * every data panel has a query, a unit and the ${datasource} variable, rates use $__rate_interval, the
 * variables a query uses exist, and each dashboard shows what ops teams look for. Whether each query
 * returns data is PrometheusQueriesTest's job.
 */
class DashboardStructureTest {

    private static final String DATASOURCE = "${datasource}";
    private static final Pattern RANGE = Pattern.compile("\\[([^]]*)]");
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)");

    @Test
    void everyPanelHasAQueryAUnitAndTheDatasourceVariable() {
        assertThat(DeployFiles.dashboards()).hasSize(4);
        Set<String> uids = new HashSet<>();
        for (Path file : DeployFiles.dashboards()) {
            JsonNode board = DeployFiles.json(file);
            String name = file.getFileName().toString();
            assertThat(uids.add(board.path("uid").asText())).as(name + " uid unique").isTrue();
            assertThat(board.path("title").asText()).as(name).startsWith("Goldilocks / ");
            JsonNode datasource = variables(board).stream().filter(v -> v.path("type").asText().equals("datasource"))
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": no datasource variable"));
            assertThat(datasource.path("name").asText()).isEqualTo("datasource");
            assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
            Set<Integer> ids = new HashSet<>();
            int dataPanels = 0;
            for (JsonNode panel : board.path("panels")) {
                String where = name + " / " + panel.path("title").asText();
                assertThat(ids.add(panel.path("id").asInt())).as(where + " id unique").isTrue();
                assertThat(panel.path("gridPos").path("w").asInt()).as(where + " width").isPositive();
                if (panel.path("type").asText().equals("row")) {
                    assertThat(panel.path("targets")).as(where + ": a row holds no queries").isEmpty();
                    continue;
                }
                dataPanels++;
                assertThat(panel.path("datasource").path("uid").asText()).as(where + " datasource").isEqualTo(DATASOURCE);
                assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText()).as(where + " unit").isNotBlank();
                assertThat(panel.path("targets")).as(where + " queries").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    assertThat(expr).as(where + " query").isNotBlank();
                    assertThat(target.path("datasource").path("uid").asText()).as(where + " query datasource")
                            .isEqualTo(DATASOURCE);
                    assertThat(PromQl.metricNames(expr)).as(where + " reads a Goldilocks series").isNotEmpty();
                }
            }
            assertThat(dataPanels).as(name + " panels").isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void ratesTakeTheRateIntervalAndQueriesUseOnlyDefinedVariables() {
        for (Path file : DeployFiles.dashboards()) {
            JsonNode board = DeployFiles.json(file);
            Set<String> defined = new TreeSet<>();
            variables(board).forEach(v -> defined.add(v.path("name").asText()));
            for (JsonNode panel : board.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    String where = file.getFileName() + " / " + panel.path("title").asText() + ": " + expr;
                    Matcher range = RANGE.matcher(expr);
                    while (range.find()) {
                        assertThat(range.group(1)).as(where).isEqualTo("$__rate_interval");
                    }
                    Matcher variable = VARIABLE.matcher(expr);
                    while (variable.find()) {
                        if (!variable.group(1).startsWith("__")) {
                            assertThat(defined).as(where).contains(variable.group(1));
                        }
                    }
                }
            }
        }
    }

    /** Each dashboard shows the series its users come for (by name: the queries' results are checked elsewhere). */
    @Test
    void eachDashboardShowsWhatItsUsersLookFor() {
        Map<String, List<String>> wanted = Map.of(
                "goldilocks-overview", List.of("goldilocks_requests_total", "goldilocks_request_seconds_bucket",
                        "goldilocks_requests_in_flight", "goldilocks_time_to_first_token_seconds_bucket",
                        "goldilocks_shadow_shed_total", "goldilocks:slo_availability_errors:ratio_rate1h",
                        "goldilocks:slo_ttft_slow:ratio_rate1h"),
                "goldilocks-workers", List.of("goldilocks_worker_queue_length", "goldilocks_worker_queue_seconds_bucket",
                        "goldilocks_worker_batch_size_bucket", "goldilocks_worker_time_to_first_token_seconds_bucket",
                        "goldilocks_worker_time_per_output_token_seconds_bucket",
                        "goldilocks_worker_generated_tokens_total", "goldilocks_worker_sequences_in_flight",
                        "goldilocks_worker_model_info"),
                "goldilocks-routing", List.of("goldilocks_requests_total", "goldilocks_request_cost_usd_total",
                        "source_model_domain:goldilocks_quality_score:mean1h",
                        "model_domain:goldilocks_quality_score:offline",
                        "domain_served_alternative:goldilocks_shadow_wins:ratio_rate1h",
                        "goldilocks_classifier_confidence_percent_bucket", "goldilocks_classifier_predictions_total"),
                "goldilocks-experiments", List.of("goldilocks_requests_total", "goldilocks_request_cost_usd_total",
                        "goldilocks_quality_score_sum"));
        for (Path file : DeployFiles.dashboards()) {
            JsonNode board = DeployFiles.json(file);
            Set<String> names = new TreeSet<>();
            board.path("panels").forEach(p -> p.path("targets").forEach(t -> names.addAll(PromQl.metricNames(t.path("expr").asText()))));
            assertThat(names).as(file.getFileName().toString()).containsAll(wanted.get(board.path("uid").asText()));
        }
    }

    @Test
    void provisioningLoadsTheDashboardsFromAFolderAndNamesAPrometheus() {
        JsonNode dashboards = DeployFiles.yaml(DeployFiles.deploy().resolve("grafana/provisioning/dashboards/goldilocks.yaml"));
        JsonNode provider = dashboards.path("providers").get(0);
        assertThat(dashboards.path("apiVersion").asInt()).isEqualTo(1);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).startsWith("/");
        JsonNode datasources = DeployFiles.yaml(DeployFiles.deploy().resolve("grafana/provisioning/datasources/prometheus.yaml"));
        assertThat(datasources.path("datasources").get(0).path("type").asText()).isEqualTo("prometheus");
    }

    private static List<JsonNode> variables(JsonNode board) {
        List<JsonNode> list = new java.util.ArrayList<>();
        board.path("templating").path("list").forEach(list::add);
        return list;
    }
}
