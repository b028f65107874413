package dev.goldilocks.gateway.backend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on an ephemeral port that answers each path with a scripted response, written in small
 * flushed pieces so that the client's reads split lines and characters. It records each request's body and
 * authorization header, and can hold a response open until the client closes it (which it notices by
 * writing keep-alive comments).
 */
final class CannedServer implements AutoCloseable {

    /** How one response is written. */
    @FunctionalInterface
    interface Script {
        void answer(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    final Map<String, String> lastBody = new ConcurrentHashMap<>();
    final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
    /** Counted down when a held response found its client gone. */
    final CountDownLatch clientGone = new CountDownLatch(1);
    /** Counted down when a held response has written its first part. */
    final CountDownLatch holding = new CountDownLatch(1);

    CannedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            lastBody.put(path, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            lastAuthorization.put(path, String.valueOf(exchange.getRequestHeaders().getFirst("authorization")));
            Script script = scripts.get(path);
            try {
                if (script == null) {
                    json(exchange, 404, "{\"error\": {\"message\": \"no such path\", \"type\": \"invalid_request_error\"}}");
                } else {
                    script.answer(exchange);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The base URL, as a backend is configured with it. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    CannedServer on(String path, Script script) {
        scripts.put("/v1" + path, script);
        return this;
    }

    /** An event stream of {@code body}, written {@code piece} bytes at a time, each piece flushed. */
    static Script events(String body, int piece) {
        return exchange -> {
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < bytes.length; i += piece) {
                out.write(bytes, i, Math.min(piece, bytes.length - i));
                out.flush();
            }
        };
    }

    /** One JSON response. */
    static Script json(int status, String body, String... headers) {
        return exchange -> {
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
            }
            json(exchange, status, body);
        };
    }

    /**
     * {@code first} as an event stream, then the response held open, with keep-alive comments, until the
     * client closes the connection.
     */
    Script holdAfter(String first) {
        return exchange -> {
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(first.getBytes(StandardCharsets.UTF_8));
            out.flush();
            holding.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try {
                while (System.nanoTime() < until) {
                    Thread.sleep(20);
                    out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                clientGone.countDown();
            }
        };
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
