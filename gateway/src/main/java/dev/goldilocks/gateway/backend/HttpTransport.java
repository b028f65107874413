package dev.goldilocks.gateway.backend;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every OpenAI-compatible backend of a gateway shares: one HTTP client (its connection pool; HTTP/1.1,
 * which every OpenAI-compatible server speaks) and the timer that ends calls at their deadline. The client's
 * threads only run callbacks: a call waiting for its server holds none.
 */
public final class HttpTransport implements AutoCloseable {

    /** How long a connection may take to open; a call's deadline may end it sooner. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ExecutorService callbacks;
    private final ScheduledExecutorService timer;
    private final HttpClient client;

    public HttpTransport() {
        AtomicInteger n = new AtomicInteger();
        this.callbacks = Executors.newCachedThreadPool(r -> daemon(r, "openai-backend-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "openai-backend-deadlines"));
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).executor(callbacks).build();
    }

    HttpClient client() {
        return client;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        callbacks.shutdownNow();
    }
}
