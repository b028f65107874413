package dev.goldilocks.worker.generate;

import java.util.List;

/**
 * The text emitter as it was before it was made incremental, kept verbatim: given the whole decoded text
 * at every token, it holds back an incomplete UTF-8 character (decoded as U+FFFD) and any tail that could
 * be the start of a stop sequence, and it finds a completed stop sequence, which ends generation and is
 * not returned. The new one must agree with it; load-tests' TokenBenchmark measures it as the baseline.
 */
public final class ReferenceTextEmitter {

    private static final char REPLACEMENT = '\uFFFD';

    private final List<String> stops;
    private int emitted;
    private boolean stopped;
    private String finalText = "";

    public ReferenceTextEmitter(List<String> stops) {
        this.stops = stops;
    }

    /** The new text that may be sent now, given everything decoded so far. */
    public String update(String decoded) {
        int stopAt = firstStop(decoded);
        if (stopAt >= 0) {
            stopped = true;
            finalText = decoded.substring(0, stopAt);
            return take(stopAt, decoded);
        }
        finalText = decoded;
        int safe = decoded.length() - heldBack(decoded);
        return take(safe, decoded);
    }

    /** Everything not yet sent, at the end of generation (minus a matched stop sequence). */
    public String flush() {
        return take(finalText.length(), finalText);
    }

    public boolean stopped() {
        return stopped;
    }

    public String text() {
        return finalText;
    }

    private String take(int upTo, String decoded) {
        if (upTo <= emitted) {
            return "";
        }
        String out = decoded.substring(emitted, upTo);
        emitted = upTo;
        return out;
    }

    private int firstStop(String decoded) {
        int first = -1;
        for (String stop : stops) {
            int at = decoded.indexOf(stop, Math.max(0, emitted - stop.length()));
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    private int heldBack(String decoded) {
        int hold = 0;
        while (hold < decoded.length() && decoded.charAt(decoded.length() - 1 - hold) == REPLACEMENT) {
            hold++;
        }
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, decoded.length()); k > hold; k--) {
                if (decoded.endsWith(stop.substring(0, k))) {
                    hold = k;
                    break;
                }
            }
        }
        return hold;
    }
}
