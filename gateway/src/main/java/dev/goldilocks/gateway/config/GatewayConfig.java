package dev.goldilocks.gateway.config;

import dev.goldilocks.common.grpc.DrainSettings;
import dev.goldilocks.common.grpc.TlsFiles;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.router.RoutingSettings;
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
 * @param dispatch           circuit breakers, retries, concurrency limits and endpoint refresh for worker calls
 * @param apiKeys            the clients' API keys (hashed); empty: no keys asked for
 * @param tls                TLS on the public port (mutual when it names a CA)
 * @param workerTls          TLS to the workers: the CA their certificates chain to, and the gateway's own
 *                           certificate for mutual TLS
 * @param drain              how SIGTERM drains: pre-stop and grace periods
 * @param openAiHttp         the OpenAI-compatible HTTP surface (off unless enabled)
 * @param decisionLog        where every routing decision and its outcomes are written (DuckDB, PostgreSQL or off)
 */
public record GatewayConfig(String host, int port, int maxInboundBytes, byte[] signingKey,
                            double workerDeadlineSeconds, Limits limits, RoutingSettings routing,
                            List<ModelRoute> models, int metricsPort, ProbeSettings probes, ShadowSettings shadow,
                            DispatchSettings dispatch, List<ApiKey> apiKeys, Optional<TlsFiles> tls,
                            Optional<TlsFiles> workerTls, DrainSettings drain, OpenAiHttpSettings openAiHttp,
                            DecisionLogSettings decisionLog) {

    public GatewayConfig {
        signingKey = signingKey.clone();
        models = List.copyOf(models);
        apiKeys = List.copyOf(apiKeys);
    }

    /** A gateway that drains with the default settings, without the OpenAI-compatible surface or a decision log. */
    public GatewayConfig(String host, int port, int maxInboundBytes, byte[] signingKey, double workerDeadlineSeconds,
                         Limits limits, RoutingSettings routing, List<ModelRoute> models, int metricsPort,
                         ProbeSettings probes, ShadowSettings shadow, DispatchSettings dispatch, List<ApiKey> apiKeys,
                         Optional<TlsFiles> tls, Optional<TlsFiles> workerTls) {
        this(host, port, maxInboundBytes, signingKey, workerDeadlineSeconds, limits, routing, models, metricsPort,
                probes, shadow, dispatch, apiKeys, tls, workerTls, DrainSettings.DEFAULT, OpenAiHttpSettings.off(),
                DecisionLogSettings.off());
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    public List<String> domains() {
        return routing.domains();
    }

    public GatewayConfig withPort(int newPort) {
        return copy().port(newPort).build();
    }

    public GatewayConfig withProbes(ProbeSettings newProbes) {
        return copy().probes(newProbes).build();
    }

    public GatewayConfig withShadow(ShadowSettings newShadow) {
        return copy().shadow(newShadow).build();
    }

    public GatewayConfig withDispatch(DispatchSettings newDispatch) {
        return copy().dispatch(newDispatch).build();
    }

    public GatewayConfig withApiKeys(List<ApiKey> newKeys) {
        return copy().apiKeys(newKeys).build();
    }

    public GatewayConfig withTls(Optional<TlsFiles> newTls, Optional<TlsFiles> newWorkerTls) {
        return copy().tls(newTls).workerTls(newWorkerTls).build();
    }

    public GatewayConfig withMetricsPort(int newPort) {
        return copy().metricsPort(newPort).build();
    }

    public GatewayConfig withLimits(Limits newLimits) {
        return copy().limits(newLimits).build();
    }

    public GatewayConfig withRouting(RoutingSettings newRouting) {
        return copy().routing(newRouting).build();
    }

    public GatewayConfig withModels(List<ModelRoute> newModels) {
        return copy().models(newModels).build();
    }

    public GatewayConfig withDrain(DrainSettings newDrain) {
        return copy().drain(newDrain).build();
    }

    public GatewayConfig withOpenAiHttp(OpenAiHttpSettings newOpenAiHttp) {
        return copy().openAiHttp(newOpenAiHttp).build();
    }

    public GatewayConfig withDecisionLog(DecisionLogSettings newDecisionLog) {
        return copy().decisionLog(newDecisionLog).build();
    }

    private Copy copy() {
        return new Copy(this);
    }

    /** A mutable copy, so each wither names only the component it changes. */
    private static final class Copy {
        private final GatewayConfig c;
        private int port;
        private int metricsPort;
        private Limits limits;
        private RoutingSettings routing;
        private List<ModelRoute> models;
        private ProbeSettings probes;
        private ShadowSettings shadow;
        private DispatchSettings dispatch;
        private List<ApiKey> apiKeys;
        private Optional<TlsFiles> tls;
        private Optional<TlsFiles> workerTls;
        private DrainSettings drain;
        private OpenAiHttpSettings openAiHttp;
        private DecisionLogSettings decisionLog;

        Copy(GatewayConfig c) {
            this.c = c;
            port = c.port;
            metricsPort = c.metricsPort;
            limits = c.limits;
            routing = c.routing;
            models = c.models;
            probes = c.probes;
            shadow = c.shadow;
            dispatch = c.dispatch;
            apiKeys = c.apiKeys;
            tls = c.tls;
            workerTls = c.workerTls;
            drain = c.drain;
            openAiHttp = c.openAiHttp;
            decisionLog = c.decisionLog;
        }

        Copy port(int v) { port = v; return this; }
        Copy metricsPort(int v) { metricsPort = v; return this; }
        Copy limits(Limits v) { limits = v; return this; }
        Copy routing(RoutingSettings v) { routing = v; return this; }
        Copy models(List<ModelRoute> v) { models = v; return this; }
        Copy probes(ProbeSettings v) { probes = v; return this; }
        Copy shadow(ShadowSettings v) { shadow = v; return this; }
        Copy dispatch(DispatchSettings v) { dispatch = v; return this; }
        Copy apiKeys(List<ApiKey> v) { apiKeys = v; return this; }
        Copy tls(Optional<TlsFiles> v) { tls = v; return this; }
        Copy workerTls(Optional<TlsFiles> v) { workerTls = v; return this; }
        Copy drain(DrainSettings v) { drain = v; return this; }
        Copy openAiHttp(OpenAiHttpSettings v) { openAiHttp = v; return this; }
        Copy decisionLog(DecisionLogSettings v) { decisionLog = v; return this; }

        GatewayConfig build() {
            return new GatewayConfig(c.host, port, c.maxInboundBytes, c.signingKey, c.workerDeadlineSeconds, limits,
                    routing, models, metricsPort, probes, shadow, dispatch, apiKeys, tls, workerTls, drain, openAiHttp,
                    decisionLog);
        }
    }
}
