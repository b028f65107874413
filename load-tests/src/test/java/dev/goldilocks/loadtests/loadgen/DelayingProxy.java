package dev.goldilocks.loadtests.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of a worker that delays everything the worker sends by a fixed time, as a slow link or a
 * slow model would: each response (and each streamed token) reaches the gateway that much later, in order. What
 * the gateway sends goes through at once. The model behind it is the real one.
 */
final class DelayingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final long delayMillis;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<ScheduledExecutorService> writers = new CopyOnWriteArrayList<>();
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "delaying-proxy");
        t.setDaemon(true);
        return t;
    });

    DelayingProxy(int upstreamPort, long delayMillis) throws IOException {
        this.upstreamPort = upstreamPort;
        this.delayMillis = delayMillis;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pumps.execute(this::accept);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                // one writer per connection: equal delays keep the bytes in order
                ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "delaying-proxy-writer");
                    t.setDaemon(true);
                    return t;
                });
                writers.add(writer);
                pumps.execute(() -> pump(client, upstream, null));
                pumps.execute(() -> pump(upstream, client, writer));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies {@code from} to {@code to}, through {@code delayed} when it is not null. */
    private void pump(Socket from, Socket to, ScheduledExecutorService delayed) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                byte[] chunk = Arrays.copyOf(buffer, n);
                if (delayed == null) {
                    out.write(chunk);
                    out.flush();
                } else {
                    delayed.schedule(() -> write(out, chunk), delayMillis, TimeUnit.MILLISECONDS);
                }
            }
        } catch (IOException e) {
            // a side closed: the connection ends
        }
        if (delayed == null) {
            closeQuietly(to);
        } else {
            delayed.schedule(() -> closeQuietly(to), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private static void write(OutputStream out, byte[] chunk) {
        try {
            out.write(chunk);
            out.flush();
        } catch (IOException e) {
            // the gateway went away
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(DelayingProxy::closeQuietly);
        writers.forEach(ExecutorService::shutdownNow);
        pumps.shutdownNow();
    }
}
