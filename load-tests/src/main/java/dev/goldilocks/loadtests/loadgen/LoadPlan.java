package dev.goldilocks.loadtests.loadgen;

import java.util.List;
import java.util.Optional;

/**
 * What a load test sends: one run per offered rate and routing policy, at each rate the same arrival times
 * and the same prompts for every policy (so policies are compared on identical traffic), rates in
 * increasing order with the policies taking turns at each.
 *
 * @param rates           offered rates, requests per second
 * @param policies        routing policies to compare; an empty Optional sends no policy (the gateway's default)
 * @param cv              inter-arrival coefficient of variation: 1 is Poisson, above 1 burstier (gamma)
 * @param durationSeconds the longest a run's schedule lasts
 * @param maxRequests     the most requests of one run
 * @param seed            seed of schedules and prompt draws
 * @param mix             the share of each domain
 * @param shape           what every request asks for
 * @param drainSeconds    after a run's last send, how long to wait for outstanding calls before cancelling them
 * @param slo             the objectives goodput is counted under
 */
public record LoadPlan(List<Double> rates, List<Optional<String>> policies, double cv, double durationSeconds,
                       int maxRequests, long seed, DomainMix mix, RequestShape shape, double drainSeconds, Slo slo) {

    public LoadPlan {
        rates = rates.stream().sorted().toList();
        policies = List.copyOf(policies);
        if (rates.isEmpty() || policies.isEmpty()) {
            throw new IllegalArgumentException("a load test needs at least one rate and one policy");
        }
    }

    /** The label of a policy in reports. */
    public static String label(Optional<String> policy) {
        return policy.orElse("default");
    }

    /** The schedule of the runs at rate number {@code step}. */
    public ArrivalSchedule schedule(int step) {
        return ArrivalSchedule.gamma(rates.get(step), cv, durationSeconds, maxRequests, seed + step);
    }

    /** The same traffic at one rate for a while (a warm-up), with its own seed. */
    public LoadPlan only(double rate, double seconds) {
        return new LoadPlan(List.of(rate), policies, cv, seconds, maxRequests, seed - 1, mix, shape, drainSeconds, slo);
    }

    /** Longest a whole test can take: every schedule, then every drain and final cancellation. */
    public double worstCaseSeconds() {
        return rates.size() * policies.size() * (durationSeconds + drainSeconds + 10);
    }
}
