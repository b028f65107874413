package dev.goldilocks.gateway.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) drain a server, and the process then exits 0 (the JVM's own handling would
 * run the drain in a shutdown hook and exit 143). A second signal hurries the drain: the pre-stop and grace
 * periods end at once and what is left ends with SHUTTING_DOWN; model sessions still close only after their
 * threads have ended. Any other exit (System.exit, SIGHUP) drains in a shutdown hook.
 */
final class DrainOnSignal {

    private static final Logger LOG = LoggerFactory.getLogger(DrainOnSignal.class);

    private final Runnable close;
    private final AtomicReference<Thread> draining = new AtomicReference<>();
    private final CountDownLatch drained = new CountDownLatch(1);

    private DrainOnSignal(Runnable close) {
        this.close = close;
    }

    /** Drains {@code close} on SIGTERM or SIGINT, or when the JVM shuts down for another reason. */
    static DrainOnSignal install(Runnable close) {
        DrainOnSignal drain = new DrainOnSignal(close);
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), drain::signalled);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(drain::drainOnExit, "drain-on-exit"));
        return drain;
    }

    /** Returns once the drain has finished. */
    void await() throws InterruptedException {
        drained.await();
    }

    private void signalled(Signal signal) {
        Thread thread = new Thread(this::drain, "drain");
        if (draining.compareAndSet(null, thread)) {
            LOG.info("SIG{}: draining (send it again to stop without waiting)", signal.getName());
            thread.start();
        } else {
            LOG.info("SIG{} again: ending the drain's waits now", signal.getName());
            draining.get().interrupt();
        }
    }

    private void drainOnExit() {
        if (draining.compareAndSet(null, Thread.currentThread())) {
            drain();
            return;
        }
        try {
            drained.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.error("drain failed: {}", e.toString());
        } finally {
            drained.countDown();
        }
    }
}
