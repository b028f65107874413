package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.proto.v1.WorkerGrpc;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker process (an address), shared by the pools of every model it serves: its channel, its
 * circuit breaker, the calls this gateway has outstanding on it, and the load it last reported per model.
 */
final class Endpoint {

    private final String address;
    private final ManagedChannel channel;
    private final CircuitBreaker breaker;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Map<String, Integer> reportedLoad = new ConcurrentHashMap<>();

    Endpoint(String address, ManagedChannel channel, CircuitBreaker breaker) {
        this.address = address;
        this.channel = channel;
        this.breaker = breaker;
    }

    String address() {
        return address;
    }

    ManagedChannel channel() {
        return channel;
    }

    WorkerGrpc.WorkerStub stub() {
        return WorkerGrpc.newStub(channel);
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    AtomicInteger outstanding() {
        return outstanding;
    }

    void reportLoad(String model, int queuedAndRunning) {
        reportedLoad.put(model, queuedAndRunning);
    }

    /** What a choice between two endpoints compares: this gateway's calls plus what the worker last reported. */
    int load(String model) {
        return outstanding.get() + reportedLoad.getOrDefault(model, 0);
    }

    /** Its breaker lets calls through and its connection is not known to be failing. */
    boolean accepting() {
        return breaker.getState() != CircuitBreaker.State.OPEN && breaker.getState() != CircuitBreaker.State.FORCED_OPEN
                && channel.getState(false) != ConnectivityState.TRANSIENT_FAILURE;
    }
}
