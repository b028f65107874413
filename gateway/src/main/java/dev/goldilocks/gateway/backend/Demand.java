package dev.goldilocks.gateway.backend;

/** Asks a streaming backend call for more messages (flow control). */
@FunctionalInterface
public interface Demand {

    /** Lets {@code messages} more messages come. */
    void request(int messages);
}
