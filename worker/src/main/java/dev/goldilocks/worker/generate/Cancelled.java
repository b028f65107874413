package dev.goldilocks.worker.generate;

/** Thrown between decoding steps when the caller went away or its deadline passed. */
public final class Cancelled extends RuntimeException {

    public Cancelled() {
        super("generation cancelled", null, false, false);
    }
}
