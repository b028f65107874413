package dev.goldilocks.gateway.config;

import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.router.RoutingSettings;
import dev.goldilocks.common.grpc.TlsFiles;
import dev.goldilocks.store.DecisionLogSettings;
import java.util.List;
import java.util.Optional;

/**
 * A gateway process.
 *
 * @param host               interface to bind
 * @param port               public gRPC port; 0 takes an ephemeral one
 * @param maxInboundBytes    largest request message accepted
 * @param signingKey         HMAC key that signs request ids (so Feedback cannot be forged); shared by all replicas
 * @param workerDeadlineSeconds deadline given to a worker call when the client set none
 * @param limits             input limits
 * @param routing            domains, classifier and policies
 * @param models             the models and where they are served
 * @param metricsPort        HTTP port of /metrics for Prometheus; 0 takes an ephemeral one, -1 serves none
 * @param probes             probe traffic for live quality
 * @param shadow             shadow traffic for live pairwise comparisons
 * @param dispatch           circuit breakers, retries, bulkheads and endpoint refresh for worker calls
 * @param apiKeys            the clients' API keys (hashed); empty: no keys asked for
 * @param tls                TLS on the public port (mutual when it names a CA)
 * @param workerTls          TLS to the workers: the CA their certificates chain to, and the gateway's own
 *                           certificate for mutual TLS
 * @param decisionLog        where every routing decision and its outcomes are written (DuckDB, PostgreSQL or off)
 */
public record GatewayConfig(String host, int port, int maxInboundBytes, byte[] signingKey,
                            double workerDeadlineSeconds, Limits limits, RoutingSettings routing,
                            List<ModelRoute> models, int metricsPort, ProbeSettings probes, ShadowSettings shadow,
                            DispatchSettings dispatch, List<ApiKey> apiKeys, Optional<TlsFiles> tls,
                            Optional<TlsFiles> workerTls, DecisionLogSettings decisionLog) {

    public GatewayConfig {
        signingKey = signingKey.clone();
        models = List.copyOf(models);
        apiKeys = List.copyOf(apiKeys);
    }

    /** A gateway without a decision log. */
    public GatewayConfig(String host, int port, int maxInboundBytes, byte[] signingKey, double workerDeadlineSeconds,
                         Limits limits, RoutingSettings routing, List<ModelRoute> models, int metricsPort,
                         ProbeSettings probes, ShadowSettings shadow, DispatchSettings dispatch, List<ApiKey> apiKeys,
                         Optional<TlsFiles> tls, Optional<TlsFiles> workerTls) {
        this(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing, models, metricsPort,
                probes, shadow, dispatch, apiKeys, tls, workerTls, DecisionLogSettings.off());
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    public List<String> domains() {
        return routing.domains();
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, metricsPort, probes, shadow, dispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withProbes(ProbeSettings newProbes) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, metricsPort, newProbes, shadow, dispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withShadow(ShadowSettings newShadow) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, metricsPort, probes, newShadow, dispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withDispatch(DispatchSettings newDispatch) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, metricsPort, probes, shadow, newDispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withApiKeys(List<ApiKey> newKeys) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, metricsPort, probes, shadow, dispatch, newKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withTls(Optional<TlsFiles> newTls, Optional<TlsFiles> newWorkerTls) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, metricsPort, probes, shadow, dispatch, apiKeys, newTls, newWorkerTls, decisionLog);
    }

    public GatewayConfig withMetricsPort(int newPort) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, newPort, probes, shadow, dispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withLimits(Limits newLimits) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, newLimits, routing, models, metricsPort, probes, shadow, dispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withRouting(RoutingSettings newRouting) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, newRouting, models, metricsPort, probes, shadow, dispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withModels(List<ModelRoute> newModels) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing, newModels, metricsPort, probes, shadow, dispatch, apiKeys, tls, workerTls, decisionLog);
    }

    public GatewayConfig withDecisionLog(DecisionLogSettings newDecisionLog) {
        return new GatewayConfig(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing,
                models, metricsPort, probes, shadow, dispatch, apiKeys, tls, workerTls, newDecisionLog);
    }
}
