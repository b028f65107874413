package dev.goldilocks.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A pod's file system as its container would see it, laid out under a temporary folder: the ConfigMaps
 * and Secrets mounted where the Deployment mounts them (with the content kustomize rendered), and the
 * models where the image carries them (/opt/goldilocks/models, the Jib profile's extra directory).
 */
final class PodFiles {

    static final String IMAGE_MODELS = "/opt/goldilocks/models";

    private PodFiles() {
    }

    /** Lays out {@code deployment}'s mounts under {@code root}; returns the path of the file its --config names. */
    static Path layOut(Manifests manifests, JsonNode deployment, Path root) throws IOException {
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = Manifests.container(deployment);
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = volume(pod, mount.path("name").asText());
            Path dir = under(root, mount.path("mountPath").asText());
            Files.createDirectories(dir);
            if (volume.has("configMap")) {
                JsonNode map = manifests.one("ConfigMap", volume.path("configMap").path("name").asText());
                for (Map.Entry<String, JsonNode> file : map.path("data").properties()) {
                    Files.writeString(dir.resolve(file.getKey()), file.getValue().asText());
                }
            } else if (volume.has("secret")) {
                JsonNode secret = manifests.one("Secret", volume.path("secret").path("secretName").asText());
                for (Map.Entry<String, JsonNode> file : secret.path("data").properties()) {
                    Files.write(dir.resolve(file.getKey()), Base64.getMimeDecoder().decode(file.getValue().asText()));
                }
            }
        }
        Path models = under(root, IMAGE_MODELS);
        Files.createDirectories(models.getParent());
        if (!Files.exists(models)) {
            Files.createSymbolicLink(models, DeployFiles.models());
        }
        return under(root, configArgument(container));
    }

    /** Removes the links {@link #layOut} made (a temporary folder's cleanup would warn about each). */
    static void removeModelLinks(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isSymbolicLink).toList()) {
                Files.delete(path);
            }
        }
    }

    static String configArgument(JsonNode container) {
        List<String> args = new java.util.ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        int at = args.indexOf("--config");
        if (at < 0 || at + 1 >= args.size()) {
            throw new AssertionError("container " + container.path("name").asText() + " has no --config argument: " + args);
        }
        return args.get(at + 1);
    }

    private static JsonNode volume(JsonNode pod, String name) {
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume named " + name);
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
