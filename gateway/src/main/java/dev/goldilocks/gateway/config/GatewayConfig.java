package dev.goldilocks.gateway.config;

import java.util.List;

/**
 * A gateway process.
 *
 * @param host               interface to bind
 * @param port               public gRPC port; 0 takes an ephemeral one
 * @param maxInboundBytes    largest request message accepted
 * @param signingKey         HMAC key that signs request ids (so Feedback cannot be forged); shared by all replicas
 * @param workerDeadlineSeconds deadline given to a worker call when the client set none
 * @param limits             input limits
 * @param domains            the domains prompts are routed by
 * @param defaultPolicy      the routing policy used when a request names none
 * @param models             the models and where they are served
 */
public record GatewayConfig(String host, int port, int maxInboundBytes, byte[] signingKey,
                            double workerDeadlineSeconds, Limits limits, List<String> domains, String defaultPolicy,
                            List<ModelRoute> models) {

    public GatewayConfig {
        signingKey = signingKey.clone();
        domains = List.copyOf(domains);
        models = List.copyOf(models);
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }
}
