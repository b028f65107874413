package dev.goldilocks.router;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How the gateway routes: domains, the default policy, the classifier file and every policy's parameters.
 *
 * @param domains            the domains prompts are classified into
 * @param defaultPolicy      the policy used when a request asks for none
 * @param allowRequestPolicy whether a request may ask for a policy by name
 * @param classifier         the trained classifier file; empty: domain hints only, otherwise "unknown"
 * @param classifierThreads  ONNX Runtime threads of the classifier's encoder
 * @param tau                threshold policy: the specialist only at confidence >= tau
 * @param minMeanLogprob     cascade policy: escalate when the specialist's mean token log-probability is below
 * @param lambda             utility and bandit: quality given up per US dollar per request
 * @param mu                 utility and bandit: quality given up per second of latency
 * @param explorationFloor   bandit: share of requests sent to a uniformly random candidate
 * @param window             live statistics: the number of recent observations that dominate an estimate
 */
public record RoutingSettings(List<String> domains, String defaultPolicy, boolean allowRequestPolicy,
                              Optional<Path> classifier, int classifierThreads, double tau, double minMeanLogprob,
                              double lambda, double mu, double explorationFloor, double window) {

    public static final List<String> POLICIES = List.of(GenericOnlyPolicy.NAME, SpecialistByDomainPolicy.NAME,
            ThresholdPolicy.NAME, CascadePolicy.NAME, UtilityPolicy.NAME, BanditPolicy.NAME);

    public RoutingSettings {
        domains = List.copyOf(domains);
    }
}
