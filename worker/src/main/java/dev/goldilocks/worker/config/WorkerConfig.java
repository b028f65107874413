package dev.goldilocks.worker.config;

import java.util.List;

/**
 * A worker process: where it listens and which models it hosts.
 *
 * @param host                 interface to bind ("0.0.0.0" for all)
 * @param port                 gRPC port; 0 takes an ephemeral one
 * @param maxInboundBytes      largest request message accepted
 * @param defaultMaxNewTokens  max_new_tokens when a request leaves it unset
 * @param models               the models, loaded at start
 * @param metricsPort          HTTP port of /metrics for Prometheus; 0 takes an ephemeral one, -1 serves none
 */
public record WorkerConfig(String host, int port, int maxInboundBytes, int defaultMaxNewTokens,
                           List<ModelConfig> models, int metricsPort) {

    public WorkerConfig {
        models = List.copyOf(models);
    }
}
