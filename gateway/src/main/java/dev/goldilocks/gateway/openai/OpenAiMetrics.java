package dev.goldilocks.gateway.openai;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the HTTP surface itself sees: every request by endpoint and outcome, refusals that never reach
 * the gRPC API included (a body over the limit, malformed JSON), and the connections open. The gRPC API
 * counts the generations behind them as client traffic, like any other.
 */
final class OpenAiMetrics {

    /** The outcome of a request whose client closed the connection before its answer was complete. */
    static final String CLIENT_CLOSED = "client_closed";

    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();

    OpenAiMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("goldilocks.openai.connections", connections, AtomicInteger::get)
                .description("HTTP connections open on the OpenAI-compatible surface").register(registry);
    }

    /**
     * @param rpc     chat_completions, completions, models or other
     * @param outcome the HTTP status sent (for a stream that failed after it began, the error's status), or
     *                client_closed
     */
    void requestEnded(String rpc, String outcome) {
        Counter.builder("goldilocks.openai.requests")
                .description("Requests to the OpenAI-compatible HTTP surface, by endpoint and outcome")
                .tags("rpc", rpc, "outcome", outcome)
                .register(registry)
                .increment();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }
}
