package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.gateway.backend.ModelBackend;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model endpoint (a worker process at an address, shared by the pools of every model it serves, or an
 * OpenAI-compatible server): the backend that calls it, its circuit breaker, the calls this gateway has
 * outstanding on it per model, and what it last reported of each model (state, context, load).
 */
final class Endpoint {

    /** How an endpoint looks to a call choosing where to go. */
    enum Health {
        /** Its breaker lets calls through (closed, or half-open with trial calls) and its connection is not failing. */
        ACCEPTING,
        /** Its breaker is open: it failed too often lately. */
        OPEN,
        /** Its connection is failing (refused, reset): it waits for a poll to answer before it takes calls. */
        UNREACHABLE
    }

    /** A model's state as last polled, with this gateway's own calls to it at that moment. */
    private record Polled(ModelStatus status, int ownCalls) {
    }

    private final String address;
    private final ModelBackend backend;
    private final CircuitBreaker breaker;
    private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();
    private final Map<String, Polled> polled = new ConcurrentHashMap<>();

    Endpoint(ModelBackend backend, CircuitBreaker breaker) {
        this.address = backend.address();
        this.backend = backend;
        this.breaker = breaker;
    }

    String address() {
        return address;
    }

    ModelBackend backend() {
        return backend;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    void callStarted(String model) {
        own(model).incrementAndGet();
    }

    void callEnded(String model) {
        own(model).decrementAndGet();
    }

    private AtomicInteger own(String model) {
        return outstanding.computeIfAbsent(model, m -> new AtomicInteger());
    }

    /** Records a Status answer: each model's state and load, beside this gateway's own calls at that moment. */
    void polled(StatusResponse status) {
        for (ModelStatus m : status.getModelsList()) {
            polled.put(m.getName(), new Polled(m, own(m.getName()).get()));
        }
    }

    /** What the worker last reported of {@code model}, if it serves it. */
    Optional<ModelStatus> status(String model) {
        return Optional.ofNullable(polled.get(model)).map(Polled::status);
    }

    /**
     * What a choice between two endpoints compares: this gateway's calls to the model now (exact and
     * current), plus the queued and running requests the worker reported at the last poll beyond this
     * gateway's own calls then (other gateways' load, which only a poll can tell). Adding the whole polled
     * figure to the live one counted this gateway's calls twice and kept steering calls for a whole polling
     * period towards the endpoint that looked idle at the last poll: replicas took turns holding everything.
     */
    int load(String model) {
        Polled p = polled.get(model);
        int others = p == null ? 0 : Math.max(0, p.status().getQueueLength() + p.status().getInFlight() - p.ownCalls());
        return own(model).get() + others;
    }

    /** One reading of the breaker and the connection, so that a choice and its message agree. */
    Health health() {
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
            return Health.OPEN;
        }
        return backend.reachable() ? Health.ACCEPTING : Health.UNREACHABLE;
    }
}
