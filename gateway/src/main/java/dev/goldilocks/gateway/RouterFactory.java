package dev.goldilocks.gateway;

import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.router.CandidateModel;
import dev.goldilocks.router.GenericOnlyPolicy;
import dev.goldilocks.router.ModelCatalog;
import dev.goldilocks.router.NoClassifier;
import dev.goldilocks.router.Router;
import dev.goldilocks.router.RoutingPolicy;
import dev.goldilocks.router.SpecialistByDomainPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds the in-process router from the gateway's configuration. */
final class RouterFactory {

    private RouterFactory() {
    }

    static Router create(GatewayConfig config) {
        ModelCatalog catalog = new ModelCatalog(config.models().stream()
                .map(m -> new CandidateModel(m.name(), m.role(), m.domain())).toList(), config.domains());
        Map<String, RoutingPolicy> policies = List.of(new GenericOnlyPolicy(), new SpecialistByDomainPolicy())
                .stream().collect(Collectors.toMap(RoutingPolicy::name, Function.identity()));
        return new Router(catalog, new NoClassifier(), policies, config.defaultPolicy());
    }
}
