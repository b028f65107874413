package dev.goldilocks.worker.generate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs callers' callbacks from a batching thread: one that throws must not strand the others or end the thread. */
public final class Callbacks {

    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

    private Callbacks() {
    }

    public static void tell(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("a request's callback failed", e);
        }
    }
}
