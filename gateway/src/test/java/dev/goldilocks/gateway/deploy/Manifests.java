package dev.goldilocks.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The objects `kubectl kustomize` rendered for one overlay, and the relations between them. */
record Manifests(String overlay, List<JsonNode> objects) {

    static Manifests parse(String overlay, String yaml) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = DeployFiles.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && doc.has("kind")) {
                    objects.add(doc);
                }
            }
        }
        return new Manifests(overlay, objects);
    }

    List<JsonNode> all(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    JsonNode one(String kind, String name) {
        return all(kind).stream().filter(o -> name(o).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    /** The Deployments whose pods a label selector (matchLabels, or a Service's plain map) picks. */
    List<JsonNode> deploymentsSelectedBy(JsonNode selector) {
        return all("Deployment").stream().filter(d -> matches(selector, d.path("spec").path("template")
                .path("metadata").path("labels"))).toList();
    }

    static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> wanted : selector.properties()) {
            if (!wanted.getValue().asText().equals(labels.path(wanted.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    static int containerPort(JsonNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(name)) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " has no port named " + name);
    }
}
