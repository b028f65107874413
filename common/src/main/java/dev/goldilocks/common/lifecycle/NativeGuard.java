package dev.goldilocks.common.lifecycle;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Guards a native resource (an ONNX Runtime session, a tokenizer): calls share it, and it is closed only
 * when no call runs, since closing it under a call crashes the JVM (seen: a probe thread still classifying
 * while the gateway closed the router's encoder). Calls after the close are refused with
 * IllegalStateException.
 */
public final class NativeGuard {

    /** A call into the resource. */
    @FunctionalInterface
    public interface Call<T, E extends Exception> {
        T run() throws E;
    }

    /** Closes the resource. */
    @FunctionalInterface
    public interface Closer<E extends Exception> {
        void close() throws E;
    }

    private final String what;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    /** @param what names the resource in the refusal of a call after close */
    public NativeGuard(String what) {
        this.what = what;
    }

    public <T, E extends Exception> T use(Call<T, E> call) throws E {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            if (closed) {
                throw new IllegalStateException(what + " is closed");
            }
            return call.run();
        } finally {
            shared.unlock();
        }
    }

    /** Waits for the calls in progress, then closes once; later closes do nothing. */
    public <E extends Exception> void close(Closer<E> closer) throws E {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (!closed) {
                closed = true;
                closer.close();
            }
        } finally {
            exclusive.unlock();
        }
    }
}
