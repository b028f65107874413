package dev.goldilocks.common.metrics;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Prometheus registry served at /metrics by the Prometheus client's own exporter (its HTTP server, with
 * its own small pool of daemon threads; text, OpenMetrics or protobuf as the scraper asks), and more pages
 * on the same port (for example the HTML report). A page answers with a future, so that slow work runs on
 * a thread of the page's own and never holds a metrics thread: a scrape is answered while pages are built.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    /** A page's answer. */
    public record Answer(int status, String contentType, String body) {
        public static Answer ok(String contentType, String body) {
            return new Answer(200, contentType, body);
        }
    }

    /** A page beside /metrics: its answer to a request with these headers, possibly completed later elsewhere. */
    @FunctionalInterface
    public interface Page {
        CompletionStage<Answer> answer(Headers requestHeaders);
    }

    private final PrometheusMeterRegistry registry;
    private final HTTPServer server;
    private final Map<String, Page> pages;

    private MetricsEndpoint(PrometheusMeterRegistry registry, HTTPServer server, Map<String, Page> pages) {
        this.registry = registry;
        this.server = server;
        this.pages = pages;
    }

    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** Serves {@code registry} on host:port (0: an ephemeral port). */
    public static MetricsEndpoint start(PrometheusMeterRegistry registry, String host, int port) throws IOException {
        Map<String, Page> pages = new ConcurrentHashMap<>();
        HTTPServer server = HTTPServer.builder()
                .hostname(host)
                .port(port)
                .registry(registry.getPrometheusRegistry())
                .defaultHandler(exchange -> serve(pages, exchange))
                .buildAndStart();
        return new MetricsEndpoint(registry, server, pages);
    }

    /** Serves {@code page} at {@code path} on the same port. */
    public void page(String path, Page page) {
        pages.put(path, page);
    }

    private static void serve(Map<String, Page> pages, HttpExchange exchange) {
        Page page = pages.get(exchange.getRequestURI().getPath());
        CompletionStage<Answer> answer;
        try {
            answer = page != null ? page.answer(exchange.getRequestHeaders())
                    : CompletableFuture.completedFuture(new Answer(404, "text/plain; charset=utf-8",
                            "not found; pages: /metrics " + String.join(" ", pages.keySet()) + "\n"));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((a, failure) -> {
            if (failure != null) {
                LOG.warn("page {} failed: {}", exchange.getRequestURI().getPath(), failure.toString());
                a = new Answer(500, "text/plain; charset=utf-8", "the page failed; see the server's log\n");
            }
            write(exchange, a);
        });
    }

    private static void write(HttpExchange exchange, Answer answer) {
        try (exchange) {
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.debug("a page's client went away: {}", e.toString());
        }
    }

    public int port() {
        return server.getPort();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        server.close();
    }
}
