package dev.goldilocks.store;

/** The decision store could not do what was asked; the message names the store (never a password). */
public final class DecisionStoreException extends RuntimeException {

    public DecisionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
