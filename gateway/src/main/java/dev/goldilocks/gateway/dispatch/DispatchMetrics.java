package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.gateway.backend.FailureKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * What dispatch does, for Prometheus: refused calls by reason, retries and failovers, an exhausted retry
 * budget, and per model the concurrency limit, the calls in flight, and how many endpoints are in each
 * breaker state. Endpoints are counted per model, never labelled by address: addresses come and go with
 * pods, and a label per address would grow without bound.
 */
public final class DispatchMetrics {

    /** The model label of a refusal that came before a model was chosen (the gateway's door). */
    public static final String NO_MODEL = "none";

    private final MeterRegistry registry;

    public DispatchMetrics(MeterRegistry registry) {
        this.registry = registry;
        // the door's refusal counters at zero until the first refusal: a series that exists only after its
        // first event leaves rate() queries and alerts blind until then (the same for each model: pool())
        shedCounter(NO_MODEL, ErrorReason.GATEWAY_OVERLOADED);
        shedCounter(NO_MODEL, ErrorReason.LOW_PRIORITY_SHED);
    }

    /** A call refused with RESOURCE_EXHAUSTED for {@code reason} (gateway overloaded, model overloaded, low priority). */
    public void shed(String model, ErrorReason reason) {
        shedCounter(model, reason).increment();
    }

    /** A failed worker call sent to another replica: {@code reason} failover (the replica went away) or busy. */
    void retried(String model, FailureKind.Move move) {
        retries(model, move == FailureKind.Move.FAILOVER ? "failover" : "busy").increment();
    }

    /** A retry of a busy replica that the retry budget refused. */
    void budgetExhausted(String model) {
        budgetExhaustedCounter(model).increment();
    }

    /** A breaker serving {@code model} moved to {@code state}. */
    void breakerTransition(String model, String state) {
        transitions(model, state).increment();
    }

    void pool(ModelPool pool) {
        String model = pool.model();
        // every counter of the model at zero from the start, as the door's are
        shedCounter(model, ErrorReason.MODEL_OVERLOADED);
        retries(model, "failover");
        retries(model, "busy");
        budgetExhaustedCounter(model);
        for (String state : new String[] {"open", "half_open", "closed"}) {
            transitions(model, state);
        }
        Gauge.builder("goldilocks.model.concurrency.limit", pool.limiter(), ModelLimiter::limit)
                .description("Calls of the model this gateway admits at once (adaptive)").tag("model", model)
                .register(registry);
        Gauge.builder("goldilocks.model.in.flight", pool.limiter(), ModelLimiter::inFlight)
                .description("Calls of the model in flight at this gateway").tag("model", model).register(registry);
        for (Endpoint.Health health : Endpoint.Health.values()) {
            Gauge.builder("goldilocks.model.endpoints", pool,
                            p -> p.endpoints().stream().filter(e -> e.health() == health).count())
                    .description("The model's endpoints (workers, or an HTTP server): accepting calls, open breaker, unreachable")
                    .tags("model", model, "state", label(health.name())).register(registry);
        }
    }

    private Counter shedCounter(String model, ErrorReason reason) {
        return Counter.builder("goldilocks.load.shed").description("Calls refused to shed load, by reason")
                .tags("model", model, "reason", label(reason.name())).register(registry);
    }

    private Counter retries(String model, String reason) {
        return Counter.builder("goldilocks.dispatch.retries")
                .description("Worker calls sent to another replica after a failure")
                .tags("model", model, "reason", reason).register(registry);
    }

    private Counter budgetExhaustedCounter(String model) {
        return Counter.builder("goldilocks.dispatch.retry.budget.exhausted")
                .description("Retries of a busy replica refused because the retry budget was spent")
                .tag("model", model).register(registry);
    }

    private Counter transitions(String model, String state) {
        return Counter.builder("goldilocks.breaker.transitions")
                .description("Circuit breaker state changes of a model's endpoints")
                .tags("model", model, "state", state).register(registry);
    }

    static String label(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
