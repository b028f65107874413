package dev.goldilocks.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which logged decisions to read for an evaluation: those made in [since, until), of one domain or all,
 * of the given traffic classes.
 */
public record EvaluationQuery(Instant since, Instant until, Optional<String> domain, Set<TrafficClass> traffic) {

    public EvaluationQuery {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(domain, "domain");
        if (traffic.isEmpty()) {
            throw new IllegalArgumentException("traffic: at least one traffic class");
        }
        traffic = Set.copyOf(traffic);
    }

    /** Every domain and traffic class in the window. */
    public static EvaluationQuery between(Instant since, Instant until) {
        return new EvaluationQuery(since, until, Optional.empty(), EnumSet.allOf(TrafficClass.class));
    }

    public EvaluationQuery domain(String only) {
        return new EvaluationQuery(since, until, Optional.of(only), traffic);
    }

    public EvaluationQuery traffic(TrafficClass first, TrafficClass... more) {
        return new EvaluationQuery(since, until, domain, EnumSet.of(first, more));
    }
}
