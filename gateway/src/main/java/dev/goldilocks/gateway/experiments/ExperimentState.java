package dev.goldilocks.gateway.experiments;

import java.util.Locale;

/** Where an experiment stands. */
public enum ExperimentState {
    /** Created; routes nothing yet. */
    DRAFT,
    /** Its units are routed by their arms and logged as exposures. */
    RUNNING,
    /** Nobody is exposed until it starts again (with the same assignment). */
    PAUSED,
    /** For good; its shipped arm, if any, keeps routing its units. */
    STOPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExperimentState ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** Whether it holds its traffic: another experiment on the same domains may not start meanwhile. */
    public boolean holdsTraffic() {
        return this == RUNNING || this == PAUSED;
    }
}
