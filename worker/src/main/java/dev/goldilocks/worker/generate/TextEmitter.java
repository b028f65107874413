package dev.goldilocks.worker.generate;

import java.util.List;

/**
 * Turns the decoded text of all tokens so far into safe increments: it holds back an incomplete UTF-8
 * character (decoded as U+FFFD) and any tail that could be the start of a stop sequence, and it finds
 * a completed stop sequence, which ends generation and is not returned. Each update looks only at the
 * text not yet sent (and a stop sequence's length before it), so its cost does not grow with the text.
 */
public final class TextEmitter {

    private static final char REPLACEMENT = '\uFFFD';

    private final List<String> stops;
    private CharSequence decoded = "";
    private int emitted;
    private int finalLength;
    private String stoppedText;

    public TextEmitter(List<String> stops) {
        this.stops = stops;
    }

    /** The new text that may be sent now, given everything decoded so far (read now, not kept). */
    public String update(CharSequence decoded) {
        this.decoded = decoded;
        int stopAt = firstStop(decoded);
        if (stopAt >= 0) {
            stoppedText = decoded.subSequence(0, stopAt).toString();
            finalLength = stopAt;
            return take(stopAt, decoded);
        }
        finalLength = decoded.length();
        int safe = decoded.length() - heldBack(decoded);
        return take(safe, decoded);
    }

    /** Everything not yet sent, at the end of generation (minus a matched stop sequence). */
    public String flush() {
        return take(finalLength, stoppedText != null ? stoppedText : decoded);
    }

    public boolean stopped() {
        return stoppedText != null;
    }

    /** The whole text, once generation has ended (minus a matched stop sequence). */
    public String text() {
        return stoppedText != null ? stoppedText : decoded.toString();
    }

    private String take(int upTo, CharSequence text) {
        if (upTo <= emitted) {
            return "";
        }
        String out = text.subSequence(emitted, upTo).toString();
        emitted = upTo;
        return out;
    }

    private int firstStop(CharSequence text) {
        int first = -1;
        for (String stop : stops) {
            int at = indexOf(text, stop, Math.max(0, emitted - stop.length()));
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    private int heldBack(CharSequence text) {
        int length = text.length();
        // Replacement characters are counted back to what was sent, not further: holding back more than
        // the unsent text sends nothing either way.
        int hold = 0;
        while (hold < length - emitted && text.charAt(length - 1 - hold) == REPLACEMENT) {
            hold++;
        }
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, length); k > hold; k--) {
                if (regionEquals(text, length - k, stop, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return hold;
    }

    private static int indexOf(CharSequence text, String target, int from) {
        for (int at = from; at <= text.length() - target.length(); at++) {
            if (regionEquals(text, at, target, target.length())) {
                return at;
            }
        }
        return -1;
    }

    /** Whether text[at, at + length) equals the first {@code length} characters of {@code target}. */
    private static boolean regionEquals(CharSequence text, int at, String target, int length) {
        for (int i = 0; i < length; i++) {
            if (text.charAt(at + i) != target.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
