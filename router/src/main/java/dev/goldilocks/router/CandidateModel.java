package dev.goldilocks.router;

/**
 * A model the router may choose: its name, whether it is the generic model, and a specialist's domain.
 *
 * @param name   model name
 * @param role   "generic" or "specialist"
 * @param domain the specialist's domain; empty for the generic model
 */
public record CandidateModel(String name, String role, String domain) {

    public static final String GENERIC = "generic";
    public static final String SPECIALIST = "specialist";

    public boolean generic() {
        return GENERIC.equals(role);
    }
}
