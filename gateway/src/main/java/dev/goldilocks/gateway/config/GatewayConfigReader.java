package dev.goldilocks.gateway.config;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the gateway's YAML.
 *
 * <pre>
 * port: 8080
 * signing_key_file: /etc/goldilocks/signing-key   # or signing_key; shared by every replica
 * routing:
 *   default_policy: specialist-by-domain
 *   domains: [code, legal, prose, math]
 * models:
 *   generic:
 *     role: generic
 *     endpoints: [worker-generic:7001]
 *     price: {prompt_per_1k: 0.01, completion_per_1k: 0.01}
 *   math-specialist:
 *     role: specialist
 *     domain: math
 *     endpoints: [worker-specialists:7001]
 * </pre>
 */
public final class GatewayConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfigReader.class);
    public static final List<String> DEFAULT_DOMAINS = List.of("code", "legal", "prose", "math");

    private GatewayConfigReader() {
    }

    public static GatewayConfig read(ConfigNode root, Path baseDir) {
        String host = root.string("host", "127.0.0.1");
        int port = root.integer("port", 8080, 0, 65535);
        int maxInbound = root.integer("max_inbound_bytes", 4 << 20, 1024, 1 << 30);
        byte[] key = signingKey(root, baseDir);
        double workerDeadline = root.number("worker_deadline_seconds", 60, 0.001, 3600);
        Limits limits = root.section("limits", node -> new Limits(
                node.integer("max_prompt_bytes", 32 * 1024, 1, 1 << 26),
                node.integer("max_new_tokens", 256, 1, 1 << 20),
                node.integer("max_metadata_bytes", 4096, 0, 1 << 20),
                node.integer("max_unit_id_bytes", 256, 0, 1 << 16)));
        List<String> domains = root.section("routing", node -> node.strings("domains", DEFAULT_DOMAINS));
        String policy = root.section("routing", node -> node.string("default_policy", "specialist-by-domain"));
        List<ModelRoute> models = root.named("models", (name, node) -> model(name, node, domains));
        root.finish();
        if (models.stream().filter(m -> m.role().equals("generic")).count() != 1) {
            throw root.error("models", "exactly one model must have role: generic");
        }
        return new GatewayConfig(host, port, maxInbound, key, workerDeadline, limits, domains, policy, models);
    }

    private static ModelRoute model(String name, ConfigNode node, List<String> domains) {
        String role = node.oneOf("role", "specialist", Set.of("generic", "specialist"));
        String domain = node.string("domain", "");
        if (role.equals("specialist") && !domains.contains(domain)) {
            throw node.error("domain", "a specialist needs one of the routing domains " + domains + ", got '"
                    + domain + "'");
        }
        List<String> endpoints = node.strings("endpoints", List.of());
        if (endpoints.isEmpty()) {
            throw node.error("endpoints", "at least one worker address (host:port) is required");
        }
        for (String endpoint : endpoints) {
            if (!endpoint.matches("[^:\\s]+:\\d{1,5}")) {
                throw node.error("endpoints", "'" + endpoint + "' is not host:port");
            }
        }
        Price price = node.section("price", p -> new Price(
                p.number("prompt_per_1k", 0, 0, 1e6),
                p.number("completion_per_1k", 0, 0, 1e6)));
        return new ModelRoute(name, role, role.equals("generic") ? "" : domain, endpoints, price);
    }

    private static byte[] signingKey(ConfigNode root, Path baseDir) {
        String inline = root.string("signing_key", null);
        String file = root.string("signing_key_file", null);
        if (inline != null && file != null) {
            throw root.error("signing_key", "give signing_key or signing_key_file, not both");
        }
        if (file != null) {
            try {
                return Files.readString(baseDir.resolve(file)).trim().getBytes(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new ConfigException("signing_key_file: cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        if (inline != null) {
            if (inline.length() < 16) {
                throw root.error("signing_key", "must have at least 16 characters");
            }
            return inline.getBytes(StandardCharsets.UTF_8);
        }
        LOG.warn("no signing_key configured: request ids are signed with a random per-process key, so Feedback"
                + " only works on this replica and not after a restart");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
