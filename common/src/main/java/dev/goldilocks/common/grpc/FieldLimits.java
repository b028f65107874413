package dev.goldilocks.common.grpc;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Length checks of the strings a request carries, shared by gateway and worker so that both refuse an
 * oversized value the same way: INVALID_ARGUMENT (INVALID_FIELD) naming the field and the size, never
 * echoing the value. The limits are documented on the fields in the protos.
 */
public final class FieldLimits {

    /** Names: model, domain_hint, policy. */
    public static final int MAX_NAME_BYTES = 256;
    /** params.stop: at most this many sequences... */
    public static final int MAX_STOP_SEQUENCES = 16;
    /** ...of 1 to this many characters each. */
    public static final int MAX_STOP_CHARS = 256;

    private FieldLimits() {
    }

    /** Refuses a value of more than {@code limit} UTF-8 bytes. */
    public static void maxBytes(String field, String value, int limit) {
        int bytes = utf8(value);
        if (bytes > limit) {
            throw Failures.invalidField(field, bytes + " bytes, more than the limit of " + limit);
        }
    }

    /** Refuses an empty value, or one of more than {@code limit} UTF-8 bytes. */
    public static void required(String field, String value, int limit) {
        if (value.isEmpty()) {
            throw Failures.invalidField(field, "must not be empty");
        }
        maxBytes(field, value, limit);
    }

    /** params.stop: at most {@value #MAX_STOP_SEQUENCES} sequences of 1 to {@value #MAX_STOP_CHARS} characters. */
    public static void stops(List<String> stops) {
        if (stops.size() > MAX_STOP_SEQUENCES) {
            throw Failures.invalidField("params.stop", "at most " + MAX_STOP_SEQUENCES + " stop sequences, got "
                    + stops.size());
        }
        for (String stop : stops) {
            if (stop.isEmpty() || stop.length() > MAX_STOP_CHARS) {
                throw Failures.invalidField("params.stop", "each stop sequence must have 1 to " + MAX_STOP_CHARS
                        + " characters, got " + stop.length());
            }
        }
    }

    public static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
