package dev.goldilocks.gateway.config;

import dev.goldilocks.router.stats.Prior;
import java.util.List;
import java.util.Optional;

/**
 * A model the gateway can send requests to.
 *
 * @param name      model name, as the gateway's clients (and our workers) know it
 * @param role      "generic" or "specialist"
 * @param domain    the specialist's domain; empty for the generic model
 * @param endpoints worker addresses (host:port) that serve it; for a model behind an OpenAI-compatible
 *                  server, that server's base URL alone
 * @param price     its price
 * @param prior     what utility and bandit policies assume before live data arrives
 * @param openAi    the OpenAI-compatible HTTP server that serves it; empty when our workers do
 */
public record ModelRoute(String name, String role, String domain, List<String> endpoints, Price price, Prior prior,
                         Optional<OpenAiBackendSettings> openAi) {

    public ModelRoute {
        endpoints = List.copyOf(endpoints);
    }

    /** A model served by our workers at {@code endpoints}. */
    public ModelRoute(String name, String role, String domain, List<String> endpoints, Price price, Prior prior) {
        this(name, role, domain, endpoints, price, prior, Optional.empty());
    }

    /** A model served by an OpenAI-compatible HTTP server. */
    public static ModelRoute openAi(String name, String role, String domain, OpenAiBackendSettings backend, Price price,
                                    Prior prior) {
        return new ModelRoute(name, role, domain, List.of(backend.baseUrl()), price, prior, Optional.of(backend));
    }
}
