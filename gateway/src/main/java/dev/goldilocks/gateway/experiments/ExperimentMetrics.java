package dev.goldilocks.gateway.experiments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Prometheus counters of experiment traffic: eligible requests by arm and how their unit was found
 * ({@code goldilocks_experiment_requests_total{arm,outcome}}), and the judged sample
 * ({@code goldilocks_experiment_judgements_total{outcome}}). Arms are the only experiment label: the experiment's
 * name is in the decision log.
 */
final class ExperimentMetrics {

    static final String EXPOSED_UNIT_ID = "exposed_unit_id";
    static final String EXPOSED_API_KEY = "exposed_api_key";
    static final String EXPOSED_PER_REQUEST = "exposed_per_request";
    static final String EXCLUDED_NO_UNIT = "excluded_no_unit";

    private final MeterRegistry registry;

    ExperimentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An eligible request: exposed to {@code arm}, or excluded for want of a unit (arm "none"). */
    void request(String arm, String outcome) {
        Counter.builder("goldilocks.experiment.requests")
                .description("Requests eligible for a running experiment: exposed (by how the unit was found) or"
                        + " excluded for want of a unit")
                .tags("arm", arm.isEmpty() ? "none" : arm, "outcome", outcome).register(registry).increment();
    }

    /** A judged-sample draw: judged, shed (the judge was busy) or failed. */
    void judgement(String outcome) {
        Counter.builder("goldilocks.experiment.judgements")
                .description("Answers of experiment arms drawn for the judged sample, by what became of them")
                .tags("outcome", outcome).register(registry).increment();
    }
}
