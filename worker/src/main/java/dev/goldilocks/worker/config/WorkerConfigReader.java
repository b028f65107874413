package dev.goldilocks.worker.config;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.common.grpc.DrainSettings;
import dev.goldilocks.common.grpc.TlsFiles;
import java.nio.file.Path;
import java.util.Optional;
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

    private static final Set<String> KINDS = Set.of(ModelConfig.CAUSAL_LM, ModelConfig.ENCODER, ModelConfig.ECHO);
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
                TlsFiles.read(root, "tls", baseDir),
                DrainSettings.read(root));
        root.finish();
        if (config.models().isEmpty()) {
            throw root.error("models", "at least one model is required");
        }
        return config;
    }

    private static ModelConfig model(String name, ConfigNode node, Path baseDir) {
        String kind = node.oneOf("kind", ModelConfig.CAUSAL_LM, KINDS);
        if (kind.equals(ModelConfig.ECHO)) {
            return echo(name, node);
        }
        String device = node.string("device", "cpu");
        if (!device.equals("cpu") && !device.matches("cuda:\\d+")) {
            throw node.error("device", "must be cpu or cuda:N, got '" + device + "'");
        }
        // A causal LM is a folder (its config.json is read too); an encoder may name its two files instead.
        Path path = baseDir.resolve(kind.equals(ModelConfig.CAUSAL_LM) || !node.has("model_file")
                ? node.requiredString("path") : node.string("path", ".")).normalize();
        return new ModelConfig(
                name,
                kind,
                path,
                device,
                node.integer("threads", 1, 1, 256),
                node.integer("max_concurrent", 2, 1, 4096),
                node.integer("max_queue", 64, 0, 1 << 20),
                node.integer("max_new_tokens", 256, 1, MAX_CONTEXT_TOKENS),
                node.integer("max_batch_size", ModelConfig.DEFAULT_MAX_BATCH_SIZE, 1, 1024),
                node.integer("max_queue_delay_us", ModelConfig.DEFAULT_MAX_QUEUE_DELAY_MICROS, 0, 10_000_000),
                file(node, "model_file", path.resolve("model.onnx"), baseDir),
                file(node, "tokenizer_file", path.resolve("tokenizer.json"), baseDir),
                info(node),
                new CudaSettings((long) node.integer("gpu_mem_limit_mb", 0, 0, 1 << 24) << 20,
                        node.oneOf("arena_extend_strategy", CudaSettings.DEFAULT.arenaExtendStrategy(),
                                Set.of("kNextPowerOfTwo", "kSameAsRequested"))),
                node.integer("queue_timeout_ms", 0, 0, 3_600_000),
                0);
    }

    /**
     * An echo model: no files, device or threads (a key for them is unknown, as any other key is); the queue,
     * its timeout, max_new_tokens, the Score batch settings and the price as for any model, and its context.
     */
    private static ModelConfig echo(String name, ConfigNode node) {
        return new ModelConfig(name, ModelConfig.ECHO, Path.of("."), "cpu", 1, 1,
                node.integer("max_queue", 64, 0, 1 << 20),
                node.integer("max_new_tokens", 256, 1, MAX_CONTEXT_TOKENS),
                node.integer("max_batch_size", ModelConfig.DEFAULT_MAX_BATCH_SIZE, 1, 1024),
                node.integer("max_queue_delay_us", 0, 0, 10_000_000),
                "", "", info(node), CudaSettings.DEFAULT,
                node.integer("queue_timeout_ms", 0, 0, 3_600_000),
                node.integer("context_tokens", ModelConfig.DEFAULT_ECHO_CONTEXT_TOKENS, 2, MAX_CONTEXT_TOKENS));
    }

    /** A file path (relative to the config) or classpath:/name for one inside a Maven artifact. */
    private static String file(ConfigNode node, String key, Path fallback, Path baseDir) {
        String value = node.string(key, fallback.toString());
        return value.startsWith(ModelConfig.CLASSPATH) ? value : baseDir.resolve(value).normalize().toString();
    }

    private static ModelInfo info(ConfigNode node) {
        String role = node.string("role", "");
        if (!role.isEmpty() && !role.equals("generic") && !role.equals("specialist")) {
            throw node.error("role", "must be generic or specialist, got '" + role + "'");
        }
        String domain = node.string("domain", "");
        if (role.equals("specialist") && domain.isEmpty()) {
            throw node.error("domain", "a specialist needs its domain");
        }
        return new ModelInfo(role, domain.isEmpty() ? Optional.empty() : Optional.of(domain),
                node.number("usd_per_1k_prompt_tokens", 0, 0, 1e6),
                node.number("usd_per_1k_completion_tokens", 0, 0, 1e6),
                node.number("usd_per_device_hour", 0, 0, 1e6));
    }
}
