package dev.goldilocks.store;

/**
 * Whether the decision log is keeping up, for the gateway's health detail.
 *
 * @param detail why, in words an operator can act on (no secrets)
 */
public record LogHealth(State state, String detail) {

    public enum State {
        /** Rows are being written. */
        OK,
        /** Rows are being dropped (and counted): the store is unreachable or failing, or the queue is full. */
        DEGRADED,
        /** The log is off by configuration. */
        OFF
    }
}
