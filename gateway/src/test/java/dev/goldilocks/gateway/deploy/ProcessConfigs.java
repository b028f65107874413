package dev.goldilocks.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.worker.config.WorkerConfigReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads deploy's gateway and worker YAML with the processes' own readers, as `./goldilocks gateway
 * --config` and `./goldilocks worker --config` do. A key listed as pending in deploy/pending.yaml must
 * still be refused by the reader (then the rest of the file is read without it); once the reader knows
 * the key, this fails until the pending entry is removed.
 */
final class ProcessConfigs {

    private ProcessConfigs() {
    }

    static GatewayConfig gateway(JsonNode yaml, Path baseDir, Pending pending) {
        return read(yaml, baseDir, pending, GatewayConfigReader::read);
    }

    static WorkerConfig worker(JsonNode yaml, Path baseDir, Pending pending) {
        return read(yaml, baseDir, pending, WorkerConfigReader::read);
    }

    /** The drain periods a file sets (pre-stop, grace), in seconds; the readers' defaults where absent. */
    static double[] drainSeconds(JsonNode yaml) {
        JsonNode drain = yaml.path("drain");
        return new double[] {drain.path("pre_stop_seconds").asDouble(0), drain.path("grace_seconds").asDouble(30)};
    }

    private static <T> T read(JsonNode yaml, Path baseDir, Pending pending, BiFunction<ConfigNode, Path, T> reader) {
        List<String> present = pending.configKeys().stream().filter(yaml::has).toList();
        if (present.isEmpty()) {
            return reader.apply(parse(yaml), baseDir);
        }
        try {
            reader.apply(parse(yaml), baseDir);
            throw new AssertionError("the config reader accepts " + present + " now: remove it from deploy/pending.yaml");
        } catch (ConfigException e) {
            assertThat(present).as("the reader refuses only pending keys, not: " + e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(key + ": is not a known key"));
        }
        ObjectNode known = yaml.deepCopy();
        present.forEach(known::remove);
        return reader.apply(parse(known), baseDir);
    }

    private static ConfigNode parse(JsonNode yaml) {
        try {
            return ConfigNode.parse(DeployFiles.YAML.writeValueAsString(yaml), "deploy config");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
