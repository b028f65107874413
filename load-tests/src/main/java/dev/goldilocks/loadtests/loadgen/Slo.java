package dev.goldilocks.loadtests.loadgen;

import java.util.ArrayList;
import java.util.List;

/**
 * Service level objectives a request must all meet to count toward goodput, as vLLM's benchmark and
 * DistServe define it: a successful request whose time to first token, time per output token and end-to-end
 * latency are each within its bound (an unset bound always holds). Latencies are measured from the
 * request's intended send time.
 *
 * @param ttftSeconds bound on time to first token, or null
 * @param tpotSeconds bound on time per output token after the first, or null (requests of one token meet it)
 * @param e2eSeconds  bound on end-to-end latency, or null
 */
public record Slo(Double ttftSeconds, Double tpotSeconds, Double e2eSeconds) {

    public static final Slo NONE = new Slo(null, null, null);

    public Slo {
        check("--slo-ttft", ttftSeconds);
        check("--slo-tpot", tpotSeconds);
        check("--slo-e2e", e2eSeconds);
    }

    private static void check(String option, Double bound) {
        if (bound != null && (!(bound > 0) || bound.isInfinite())) {
            throw new IllegalArgumentException(option + ": must be a positive number of seconds, got " + bound);
        }
    }

    /** True when the request succeeded and met every bound. */
    public boolean met(RequestRecord r) {
        return r.ok()
                && within(r.ttftNanos(), ttftSeconds)
                && (r.tpotNanos() < 0 || within(r.tpotNanos(), tpotSeconds))
                && within(r.e2eNanos(), e2eSeconds);
    }

    private static boolean within(long nanos, Double boundSeconds) {
        return boundSeconds == null || (nanos >= 0 && nanos <= boundSeconds * 1e9);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (ttftSeconds != null) {
            parts.add("time to first token <= " + ttftSeconds + " s");
        }
        if (tpotSeconds != null) {
            parts.add("time per output token <= " + tpotSeconds + " s");
        }
        if (e2eSeconds != null) {
            parts.add("end-to-end <= " + e2eSeconds + " s");
        }
        return parts.isEmpty() ? "none (every successful request counts)" : String.join(", ", parts);
    }
}
