package dev.goldilocks.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files under deploy/ that the tests read: rule files, rule tests, dashboards, the pending list. */
final class DeployFiles {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** A recording rule or an alert, with the file it is in. */
    record Rule(Path file, String name, boolean alert, String expr, JsonNode node) {
        String where() {
            return file.getFileName() + ": " + name;
        }
    }

    /** A dashboard panel's query. */
    record PanelQuery(String dashboard, String panel, String refId, String expr) {
        String where() {
            return dashboard + " / " + panel + " / " + refId;
        }
    }

    private DeployFiles() {
    }

    static Path root() {
        return Path.of(System.getProperty("goldilocks.models", "../models")).toAbsolutePath().normalize().getParent();
    }

    static Path deploy() {
        return root().resolve("deploy");
    }

    static Path models() {
        return root().resolve("models");
    }

    static List<Path> ruleFiles() {
        return list(deploy().resolve("prometheus/rules"), ".rules.yml");
    }

    static List<Path> ruleTests() {
        return list(deploy().resolve("prometheus/tests"), ".test.yml");
    }

    static List<Path> dashboards() {
        return list(deploy().resolve("grafana/dashboards"), ".json");
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : yaml(file).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    boolean alert = rule.has("alert");
                    rules.add(new Rule(file, rule.path(alert ? "alert" : "record").asText(), alert,
                            rule.path("expr").asText(), rule));
                }
            }
        }
        return rules;
    }

    /** Every query of every data panel (rows hold no queries). */
    static List<PanelQuery> panelQueries() {
        List<PanelQuery> queries = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode board = json(file);
            for (JsonNode panel : board.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new PanelQuery(board.path("uid").asText(), panel.path("title").asText(),
                            target.path("refId").asText(), target.path("expr").asText()));
                }
            }
        }
        return queries;
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
