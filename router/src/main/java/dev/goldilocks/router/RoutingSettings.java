package dev.goldilocks.router;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

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
 * @param deterministicExplorationFloor generic-only, specialist-by-domain, threshold, cascade and utility: share
 *                           of requests sent to the other candidates instead of the policy's pick, so that other
 *                           policies can be evaluated off-policy on the log; 0 (none) in production by default
 * @param seed               the seed of the policies' draws (exploration, the bandit); empty: a random seed.
 *                           With a seed and one request at a time, the same requests are routed alike in every run
 */
public record RoutingSettings(List<String> domains, String defaultPolicy, boolean allowRequestPolicy,
                              Optional<Path> classifier, int classifierThreads, double tau, double minMeanLogprob,
                              double lambda, double mu, double explorationFloor, double window,
                              double deterministicExplorationFloor, OptionalLong seed) {

    public static final List<String> POLICIES = List.of(GenericOnlyPolicy.NAME, SpecialistByDomainPolicy.NAME,
            ThresholdPolicy.NAME, CascadePolicy.NAME, UtilityPolicy.NAME, BanditPolicy.NAME);

    public RoutingSettings {
        domains = List.copyOf(domains);
    }

    /** Settings whose policies draw with a random seed. */
    public RoutingSettings(List<String> domains, String defaultPolicy, boolean allowRequestPolicy,
                           Optional<Path> classifier, int classifierThreads, double tau, double minMeanLogprob,
                           double lambda, double mu, double explorationFloor, double window,
                           double deterministicExplorationFloor) {
        this(domains, defaultPolicy, allowRequestPolicy, classifier, classifierThreads, tau, minMeanLogprob, lambda, mu,
                explorationFloor, window, deterministicExplorationFloor, OptionalLong.empty());
    }

    /** Settings whose deterministic policies do not explore (the production default). */
    public RoutingSettings(List<String> domains, String defaultPolicy, boolean allowRequestPolicy,
                           Optional<Path> classifier, int classifierThreads, double tau, double minMeanLogprob,
                           double lambda, double mu, double explorationFloor, double window) {
        this(domains, defaultPolicy, allowRequestPolicy, classifier, classifierThreads, tau, minMeanLogprob, lambda, mu,
                explorationFloor, window, 0);
    }

    /** These settings with the policies' draws seeded. */
    public RoutingSettings withSeed(long newSeed) {
        return new RoutingSettings(domains, defaultPolicy, allowRequestPolicy, classifier, classifierThreads, tau,
                minMeanLogprob, lambda, mu, explorationFloor, window, deterministicExplorationFloor,
                OptionalLong.of(newSeed));
    }
}
