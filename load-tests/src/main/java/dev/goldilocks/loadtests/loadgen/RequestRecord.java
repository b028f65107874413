package dev.goldilocks.loadtests.loadgen;

/**
 * What happened to one request of a run. Every latency is measured from the request's intended send time
 * (its place in the arrival schedule), not from when it was actually sent, so time a request spent waiting
 * behind a slow server or a late sender is in its latency.
 *
 * @param index            its place in the schedule
 * @param intendedNanos    its intended send time, after the run's start
 * @param sendLagNanos     how late the load generator actually sent it
 * @param status           the gRPC status code's name (OK, RESOURCE_EXHAUSTED, ...)
 * @param reason           the google.rpc.ErrorInfo reason of a failure, when it carries one; else empty
 * @param message          a failure's status message (at most {@value #MESSAGE_CHARS} characters); else empty
 * @param e2eNanos         intended send time to the last response message or the error
 * @param ttftNanos        intended send time to the first token; -1 when none arrived
 * @param tpotNanos        time per output token after the first; -1 with fewer than two tokens or no success
 * @param completionTokens tokens generated
 * @param costUsd          the response's cost
 * @param model            the model that answered (from the response's route); empty on failure
 * @param policy           the policy that routed it; empty on failure
 * @param domain           the prompt's labelled domain
 * @param quality          the answer's score against the prompt's reference; NaN when there is none
 */
public record RequestRecord(int index, long intendedNanos, long sendLagNanos, String status, String reason,
                            String message, long e2eNanos, long ttftNanos, long tpotNanos, int completionTokens, double costUsd,
                            String model, String policy, String domain, double quality) {

    /** The reason given to calls still outstanding when the run ended, which the load generator cancelled. */
    public static final String OUTSTANDING_AT_END = "OUTSTANDING_AT_END";
    /** The most characters of a status message kept: enough to say what failed. */
    public static final int MESSAGE_CHARS = 160;

    public boolean ok() {
        return "OK".equals(status);
    }

    /** "STATUS" or "STATUS REASON": the key outcomes are counted under. */
    public String outcome() {
        return reason.isEmpty() ? status : status + " " + reason;
    }
}
