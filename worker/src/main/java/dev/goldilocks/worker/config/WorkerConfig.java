package dev.goldilocks.worker.config;

import dev.goldilocks.common.grpc.DrainSettings;
import dev.goldilocks.common.grpc.TlsFiles;
import java.util.List;
import java.util.Optional;

/**
 * A worker process: where it listens and which models it hosts.
 *
 * @param host                 interface to bind ("0.0.0.0" for all)
 * @param port                 gRPC port; 0 takes an ephemeral one
 * @param maxInboundBytes      largest request message accepted
 * @param defaultMaxNewTokens  max_new_tokens when a request leaves it unset
 * @param models               the models, loaded at start
 * @param metricsPort          HTTP port of /metrics for Prometheus; 0 takes an ephemeral one, -1 serves none
 * @param tls                  TLS on the gRPC port; with a CA, gateways must present a certificate it signed (mTLS)
 * @param drain                how SIGTERM drains: pre-stop and grace periods
 */
public record WorkerConfig(String host, int port, int maxInboundBytes, int defaultMaxNewTokens,
                           List<ModelConfig> models, int metricsPort, Optional<TlsFiles> tls, DrainSettings drain) {

    public WorkerConfig {
        models = List.copyOf(models);
    }

    /** A plaintext worker that drains with the default settings. */
    public WorkerConfig(String host, int port, int maxInboundBytes, int defaultMaxNewTokens, List<ModelConfig> models,
                        int metricsPort) {
        this(host, port, maxInboundBytes, defaultMaxNewTokens, models, metricsPort, Optional.empty());
    }

    /** A worker that drains with the default settings. */
    public WorkerConfig(String host, int port, int maxInboundBytes, int defaultMaxNewTokens, List<ModelConfig> models,
                        int metricsPort, Optional<TlsFiles> tls) {
        this(host, port, maxInboundBytes, defaultMaxNewTokens, models, metricsPort, tls, DrainSettings.DEFAULT);
    }

    public WorkerConfig withDrain(DrainSettings newDrain) {
        return new WorkerConfig(host, port, maxInboundBytes, defaultMaxNewTokens, models, metricsPort, tls, newDrain);
    }
}
