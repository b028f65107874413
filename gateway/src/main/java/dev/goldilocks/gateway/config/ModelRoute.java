package dev.goldilocks.gateway.config;

import dev.goldilocks.router.stats.Prior;
import java.util.List;

/**
 * A model the gateway can send requests to.
 *
 * @param name      model name, as the workers know it
 * @param role      "generic" or "specialist"
 * @param domain    the specialist's domain; empty for the generic model
 * @param endpoints worker addresses (host:port) that serve it
 * @param price     its price
 * @param prior     what utility and bandit policies assume before live data arrives
 */
public record ModelRoute(String name, String role, String domain, List<String> endpoints, Price price, Prior prior) {

    public ModelRoute {
        endpoints = List.copyOf(endpoints);
    }
}
