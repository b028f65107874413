package dev.goldilocks.worker.config;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.common.grpc.TlsFiles;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads a worker's YAML into {@link WorkerConfig}. Relative model paths resolve against
 * {@code baseDir} (the config file's folder), so a config works from any working directory.
 *
 * <pre>
 * port: 7001
 * models:
 *   generic:
 *     path: ../models/generic
 *     threads: 2
 * </pre>
 */
public final class WorkerConfigReader {

    private static final Set<String> KINDS = Set.of(ModelConfig.CAUSAL_LM);
    private static final int MAX_CONTEXT_TOKENS = 1 << 20;

    private WorkerConfigReader() {
    }

    public static WorkerConfig read(ConfigNode root, Path baseDir) {
        WorkerConfig config = new WorkerConfig(
                root.string("host", "127.0.0.1"),
                root.integer("port", 0, 0, 65535),
                root.integer("max_inbound_bytes", 4 << 20, 1024, 1 << 30),
                root.integer("default_max_new_tokens", 64, 1, MAX_CONTEXT_TOKENS),
                root.named("models", (name, node) -> model(name, node, baseDir)),
                root.integer("metrics_port", 9091, -1, 65535),
                TlsFiles.read(root, "tls", baseDir));
        root.finish();
        if (config.models().isEmpty()) {
            throw root.error("models", "at least one model is required");
        }
        return config;
    }

    private static ModelConfig model(String name, ConfigNode node, Path baseDir) {
        String device = node.string("device", "cpu");
        if (!device.equals("cpu") && !device.matches("cuda:\\d+")) {
            throw node.error("device", "must be cpu or cuda:N, got '" + device + "'");
        }
        return new ModelConfig(
                name,
                node.oneOf("kind", ModelConfig.CAUSAL_LM, KINDS),
                baseDir.resolve(node.requiredString("path")).normalize(),
                device,
                node.integer("threads", 1, 1, 256),
                node.integer("max_concurrent", 2, 1, 4096),
                node.integer("max_queue", 64, 0, 1 << 20),
                node.integer("max_new_tokens", 256, 1, MAX_CONTEXT_TOKENS),
                node.integer("max_batch_size", ModelConfig.DEFAULT_MAX_BATCH_SIZE, 1, 1024),
                node.integer("max_queue_delay_us", ModelConfig.DEFAULT_MAX_QUEUE_DELAY_MICROS, 0, 10_000_000));
    }
}
