package dev.goldilocks.store;

import java.util.Locale;

/** Whose request a decision served: a client's, or the gateway's own probe or shadow traffic. */
public enum TrafficClass {
    CLIENT, PROBE, SHADOW;

    /** The value stored in the {@code traffic} column and used as a metric label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TrafficClass ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
