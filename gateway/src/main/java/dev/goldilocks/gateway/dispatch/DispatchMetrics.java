package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.common.grpc.ErrorReason;
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
    }

    /** A call refused with RESOURCE_EXHAUSTED for {@code reason} (gateway overloaded, model overloaded, low priority). */
    public void shed(String model, ErrorReason reason) {
        Counter.builder("goldilocks.load.shed").description("Calls refused to shed load, by reason")
                .tags("model", model, "reason", label(reason.name())).register(registry).increment();
    }

    /** A failed worker call sent to another replica: {@code reason} failover (the replica went away) or busy. */
    void retried(String model, WorkerFailure.Move move) {
        Counter.builder("goldilocks.dispatch.retries").description("Worker calls sent to another replica after a failure")
                .tags("model", model, "reason", move == WorkerFailure.Move.FAILOVER ? "failover" : "busy")
                .register(registry).increment();
    }

    /** A retry of a busy replica that the retry budget refused. */
    void budgetExhausted(String model) {
        Counter.builder("goldilocks.dispatch.retry.budget.exhausted")
                .description("Retries of a busy replica refused because the retry budget was spent")
                .tag("model", model).register(registry).increment();
    }

    /** A breaker serving {@code model} moved to {@code state}. */
    void breakerTransition(String model, String state) {
        Counter.builder("goldilocks.breaker.transitions").description("Circuit breaker state changes of a model's endpoints")
                .tags("model", model, "state", state).register(registry).increment();
    }

    void pool(ModelPool pool) {
        String model = pool.model();
        Gauge.builder("goldilocks.model.concurrency.limit", pool.limiter(), ModelLimiter::limit)
                .description("Calls of the model this gateway admits at once (adaptive)").tag("model", model)
                .register(registry);
        Gauge.builder("goldilocks.model.in.flight", pool.limiter(), ModelLimiter::inFlight)
                .description("Calls of the model in flight at this gateway").tag("model", model).register(registry);
        for (Endpoint.Health health : Endpoint.Health.values()) {
            Gauge.builder("goldilocks.model.endpoints", pool,
                            p -> p.endpoints().stream().filter(e -> e.health() == health).count())
                    .description("The model's worker endpoints: accepting calls, open breaker, unreachable")
                    .tags("model", model, "state", label(health.name())).register(registry);
        }
    }

    static String label(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
