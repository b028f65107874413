package dev.goldilocks.gateway.config;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.common.grpc.DrainSettings;
import dev.goldilocks.common.grpc.TlsFiles;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.router.RoutingSettings;
import dev.goldilocks.router.SpecialistByDomainPolicy;
import dev.goldilocks.router.stats.Prior;
import dev.goldilocks.store.DecisionLogSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
 *   classifier: ../models/router/domain-classifier.json
 *   cascade: {min_mean_logprob: -1.5}
 *   exploration_floor: 0          # deterministic policies; the bandit has bandit.exploration_floor
 * models:
 *   generic:
 *     role: generic
 *     endpoints: [worker-generic:7001]
 *     price: {prompt_per_1k: 0.01, completion_per_1k: 0.01}
 *   math-specialist:
 *     role: specialist
 *     domain: math
 *     endpoints: [worker-specialists:7001]
 *   code-specialist:               # served by an OpenAI-compatible server (vLLM, TGI, llama.cpp, a hosted API)
 *     role: specialist
 *     domain: code
 *     backend: {kind: openai, base_url: http://vllm:8000/v1, model: Qwen/Qwen2.5-Coder-7B, chat: false,
 *               api_key_file: /etc/goldilocks/vllm-key}
 *     price: {prompt_per_1k: 0.0002, completion_per_1k: 0.0006}
 * decision_log: {store: duckdb, path: data/decision-log.duckdb}   # see store/README.md
 * </pre>
 */
public final class GatewayConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfigReader.class);
    public static final List<String> DEFAULT_DOMAINS = List.of("code", "legal", "prose", "math");
    /** The request size a cost prior assumes, before live costs are measured. */
    public static final int TYPICAL_PROMPT_TOKENS = 64;
    public static final int TYPICAL_COMPLETION_TOKENS = 32;

    private GatewayConfigReader() {
    }

    public static GatewayConfig read(ConfigNode root, Path baseDir) {
        String host = root.string("host", "127.0.0.1");
        int port = root.integer("port", 8080, 0, 65535);
        int maxInbound = root.integer("max_inbound_bytes", 4 << 20, 1024, 1 << 30);
        int metricsPort = root.integer("metrics_port", 9090, -1, 65535);
        byte[] key = signingKey(root, baseDir);
        double workerDeadline = root.number("worker_deadline_seconds", 60, 0.001, 3600);
        Limits limits = root.section("limits", node -> new Limits(
                node.integer("max_prompt_bytes", 32 * 1024, 1, 1 << 26),
                node.integer("max_new_tokens", 256, 1, 1 << 20),
                node.integer("max_metadata_bytes", 4096, 0, 1 << 20),
                node.integer("max_unit_id_bytes", 256, 0, 1 << 16),
                node.integer("max_in_flight", 256, 1, 1 << 20)));
        RoutingSettings routing = root.section("routing", node -> routing(node, baseDir));
        ProbeSettings probes = root.section("probes", node -> new ProbeSettings(
                node.bool("enabled", false),
                node.number("items_per_second", 0.5, 0.001, 1000),
                baseDir.resolve(node.string("eval_dir", "models/eval")).normalize()));
        List<ApiKey> apiKeys = root.section("auth", node -> apiKeys(node, baseDir));
        Optional<TlsFiles> tls = TlsFiles.read(root, "tls", baseDir);
        Optional<TlsFiles> workerTls = TlsFiles.read(root, "worker_tls", baseDir);
        DispatchSettings dispatch = root.section("dispatch", GatewayConfigReader::dispatch);
        ShadowSettings shadow = root.section("shadow", node -> new ShadowSettings(
                node.number("share", 0.02, 0, 1),
                node.integer("max_concurrent", 1, 1, 1024)));
        List<ModelRoute> models = root.named("models", (name, node) -> model(name, node, routing.domains(), baseDir));
        DrainSettings drain = DrainSettings.read(root);
        OpenAiHttpSettings openAiHttp = root.section("openai_http", node -> OpenAiHttpSettings.read(node, host));
        DecisionLogSettings decisionLog = root.section("decision_log", node -> DecisionLogSettings.read(node, baseDir));
        root.finish();
        if (models.stream().filter(m -> m.role().equals("generic")).count() != 1) {
            throw root.error("models", "exactly one model must have role: generic");
        }
        return new GatewayConfig(host, port, maxInbound, key, workerDeadline, limits, routing, models, metricsPort,
                probes, shadow, dispatch, apiKeys, tls, workerTls, drain, openAiHttp, decisionLog);
    }

    private static DispatchSettings dispatch(ConfigNode node) {
        DispatchSettings defaults = DispatchSettings.defaults();
        return new DispatchSettings(
                node.number("breaker_failure_rate_percent", defaults.breakerFailureRate(), 1, 100),
                node.number("breaker_slow_call_seconds", defaults.breakerSlowSeconds(), 0.001, 3600),
                node.integer("breaker_window_calls", defaults.breakerWindow(), 1, 100_000),
                node.integer("breaker_min_calls", defaults.breakerMinCalls(), 1, 100_000),
                node.number("breaker_open_seconds", defaults.breakerOpenSeconds(), 0.001, 3600),
                node.integer("retry_attempts", defaults.retryAttempts(), 1, 10),
                node.number("retry_budget_ratio", defaults.retryBudgetRatio(), 0, 1),
                node.section("model_limit", GatewayConfigReader::modelLimit),
                node.number("refresh_seconds", defaults.refreshSeconds(), 0.1, 3600));
    }

    /** dispatch.model_limit: {algorithm: gradient2|vegas|fixed, initial, min, max}. */
    private static ModelLimitSettings modelLimit(ConfigNode node) {
        ModelLimitSettings defaults = ModelLimitSettings.defaults();
        String algorithm = node.oneOf("algorithm", defaults.algorithm(),
                new java.util.LinkedHashSet<>(ModelLimitSettings.ALGORITHMS));
        int max = node.integer("max", defaults.max(), 1, 1 << 20);
        int min = node.integer("min", Math.min(defaults.min(), max), 1, max);
        int initial = node.integer("initial", Math.max(min, Math.min(defaults.initial(), max)), min, max);
        return algorithm.equals(ModelLimitSettings.FIXED) ? ModelLimitSettings.fixed(max)
                : new ModelLimitSettings(algorithm, initial, min, max);
    }

    private static RoutingSettings routing(ConfigNode node, Path baseDir) {
        List<String> domains = node.strings("domains", DEFAULT_DOMAINS);
        String policy = node.oneOf("default_policy", SpecialistByDomainPolicy.NAME,
                new java.util.LinkedHashSet<>(RoutingSettings.POLICIES));
        String classifier = node.string("classifier", null);
        Optional<Path> classifierFile = Optional.ofNullable(classifier).map(c -> baseDir.resolve(c).normalize());
        if (classifierFile.isPresent() && !Files.isRegularFile(classifierFile.get())) {
            throw node.error("classifier", "no such file: " + classifierFile.get());
        }
        double[] utility = node.section("utility", u -> new double[] {
            u.number("lambda_per_usd", 100, 0, 1e9), u.number("mu_per_second", 0.1, 0, 1e6)});
        double[] bandit = node.section("bandit", b -> new double[] {
            b.number("exploration_floor", 0.05, 0, 1), b.number("window", 500, 2, 1e9)});
        return new RoutingSettings(domains, policy,
                node.bool("allow_request_policy", true),
                classifierFile,
                node.integer("classifier_threads", 1, 1, 64),
                node.section("threshold", t -> t.number("tau", 0.8, 0, 1)),
                node.section("cascade", c -> c.number("min_mean_logprob", -1.5, -100, 0)),
                utility[0], utility[1], bandit[0], bandit[1],
                node.number("exploration_floor", 0, 0, 0.5),
                node.has("seed") ? OptionalLong.of(node.integer("seed", 0, 0, Integer.MAX_VALUE)) : OptionalLong.empty());
    }

    private static ModelRoute model(String name, ConfigNode node, List<String> domains, Path baseDir) {
        String role = node.oneOf("role", "specialist", Set.of("generic", "specialist"));
        String domain = node.string("domain", "");
        if (role.equals("specialist") && !domains.contains(domain)) {
            throw node.error("domain", "a specialist needs one of the routing domains " + domains + ", got '"
                    + domain + "'");
        }
        Optional<OpenAiBackendSettings> openAi = node.section("backend", b -> BackendReader.read(b, name, baseDir));
        List<String> endpoints = node.strings("endpoints", List.of());
        if (openAi.isPresent() && !endpoints.isEmpty()) {
            throw node.error("endpoints", "a model with backend kind openai is reached at backend.base_url;"
                    + " endpoints are worker addresses");
        }
        if (openAi.isEmpty() && endpoints.isEmpty()) {
            throw node.error("endpoints", "at least one worker address (host:port) is required");
        }
        for (String endpoint : endpoints) {
            if (!endpoint.matches("[^:\\s]+:\\d{1,5}")) {
                throw node.error("endpoints", "'" + endpoint + "' is not host:port");
            }
        }
        Price price = node.section("price", p -> {
            double perDeviceHour = p.number("per_device_hour", 0, 0, 1e6);
            if (openAi.isPresent() && perDeviceHour > 0) {
                throw p.error("per_device_hour", "an OpenAI-compatible backend reports no device time; price it per"
                        + " 1k tokens (prompt_per_1k, completion_per_1k)");
            }
            return new Price(p.number("prompt_per_1k", 0, 0, 1e6), p.number("completion_per_1k", 0, 0, 1e6),
                    perDeviceHour);
        });
        Prior prior = node.section("prior", p -> new Prior(
                p.section("quality", q -> qualityByDomain(q, domains)),
                p.number("latency_seconds", 0, 0, 3600),
                price.cost(TYPICAL_PROMPT_TOKENS, TYPICAL_COMPLETION_TOKENS),
                p.number("weight", 10, 0.001, 1e9)));
        String modelDomain = role.equals("generic") ? "" : domain;
        return openAi.map(backend -> ModelRoute.openAi(name, role, modelDomain, backend, price, prior))
                .orElseGet(() -> new ModelRoute(name, role, modelDomain, endpoints, price, prior));
    }

    private static Map<String, Double> qualityByDomain(ConfigNode node, List<String> domains) {
        Map<String, Double> quality = new LinkedHashMap<>();
        for (String domain : domains) {
            if (node.has(domain)) {
                quality.put(domain, node.number(domain, 0.5, 0, 1));
            }
        }
        return quality;
    }

    /**
     * auth.keys: a list of {name, sha256, rate_per_second}; auth.keys_file: a YAML file with such a list
     * under "keys" (for keys mounted as a secret). Only hashes are accepted: the keys themselves never
     * stand in a config file.
     */
    private static List<ApiKey> apiKeys(ConfigNode node, Path baseDir) {
        List<ApiKey> keys = new java.util.ArrayList<>(node.list("keys", GatewayConfigReader::apiKey));
        String file = node.string("keys_file", null);
        if (file != null) {
            ConfigNode fromFile = ConfigNode.load(baseDir.resolve(file));
            keys.addAll(fromFile.list("keys", GatewayConfigReader::apiKey));
            fromFile.finish();
        }
        if (keys.stream().map(ApiKey::name).distinct().count() != keys.size()) {
            throw node.error("keys", "key names must be unique");
        }
        return List.copyOf(keys);
    }

    private static ApiKey apiKey(ConfigNode node) {
        String sha = node.requiredString("sha256");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw node.error("sha256", "must be the 64 lower-case hex digits of the key's SHA-256 (sha256sum)");
        }
        return new ApiKey(node.requiredString("name"), sha, node.number("rate_per_second", 100, 0.001, 1e9));
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
