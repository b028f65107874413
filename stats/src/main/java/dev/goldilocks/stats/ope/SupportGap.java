package dev.goldilocks.stats.ope;

import java.util.Locale;

/**
 * An action the target policy would take in a context where the log cannot say what it leads to.
 *
 * @param context     the context, e.g. the domain
 * @param action      the model the target would choose
 * @param kind        why the log cannot speak for it
 * @param records     logged records of the context where the target gives the action a positive probability
 * @param targetShare the target's mean probability of the action over those records of the context
 */
public record SupportGap(String context, String action, Kind kind, int records, double targetShare) {

    public enum Kind {
        /** The logging policy could not choose it (propensity 0): no amount of this log can estimate it. */
        NO_PROPENSITY,
        /** The logging policy could choose it but never did in this log: more traffic would fix it. */
        NEVER_OBSERVED
    }

    /** One plain sentence for the report. */
    public String sentence() {
        String share = String.format(Locale.ROOT, "%.0f%%", 100 * targetShare);
        return switch (kind) {
            case NO_PROPENSITY -> "The target sends " + share + " of '" + context + "' traffic to '" + action
                    + "', which the logging policy never tries there (propensity 0): this log cannot measure that"
                    + " part, so IPS and SNIPS leave it out and DR rests on its direct model alone there.";
            case NEVER_OBSERVED -> "The target sends " + share + " of '" + context + "' traffic to '" + action
                    + "', which the logging policy could have chosen there but never did in this log: the estimate"
                    + " for that part rests on no observation yet.";
        };
    }
}
