package dev.goldilocks.gateway.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.DomainReport;
import dev.goldilocks.proto.v1.ReportResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The report pages beside /metrics, on a real HTTP port. */
class ReportPagesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Four readers of /report while its build is held on a latch: /metrics still answers (the build runs on
     * a thread of its own, and waiting readers hold no metrics thread), the readers share one build, and all
     * get the page once it is released.
     */
    @Test
    void aScrapeIsAnsweredWhileAReportIsBeingBuilt() throws Exception {
        PrometheusMeterRegistry registry = MetricsEndpoint.newRegistry();
        Counter.builder("goldilocks.test.scrapes").register(registry).increment();
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger builds = new AtomicInteger();
        try (MetricsEndpoint http = MetricsEndpoint.start(registry, "127.0.0.1", 0);
             CachedReport<ReportResponse> report = new CachedReport<>(() -> {
                 builds.incrementAndGet();
                 building.countDown();
                 await(release);
                 return ReportResponse.newBuilder().addDomains(DomainReport.newBuilder().setDomain("math")).build();
             }, 60_000)) {
            ReportPages.serve(http, report, List.of());
            List<CompletableFuture<HttpResponse<String>>> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                readers.add(HTTP.sendAsync(get(http, "/report"), HttpResponse.BodyHandlers.ofString()));
            }
            assertThat(building.await(30, TimeUnit.SECONDS)).as("the build started").isTrue();
            HttpResponse<String> scrape = HTTP.send(get(http, "/metrics"), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("goldilocks_test_scrapes_total 1.0");
            assertThat(readers).as("the report is still held").noneMatch(CompletableFuture::isDone);
            release.countDown();
            for (CompletableFuture<HttpResponse<String>> reader : readers) {
                HttpResponse<String> page = reader.get(30, TimeUnit.SECONDS);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("<h2>math</h2>");
            }
            assertThat(builds).as("one build for the four readers").hasValue(1);
        }
    }

    @Test
    void withKeysConfiguredTheReportNeedsOneAndMetricsStayOpen() throws Exception {
        List<ApiKey> keys = List.of(new ApiKey("team", ApiKey.hash("s3cret"), 10));
        try (MetricsEndpoint http = MetricsEndpoint.start(MetricsEndpoint.newRegistry(), "127.0.0.1", 0);
             CachedReport<ReportResponse> report = new CachedReport<>(ReportResponse::getDefaultInstance, 1000)) {
            ReportPages.serve(http, report, keys);
            for (String page : List.of("/report", "/report.json")) {
                assertThat(HTTP.send(get(http, page), HttpResponse.BodyHandlers.ofString()).statusCode())
                        .as("%s without a key", page).isEqualTo(401);
                assertThat(HTTP.send(HttpRequest.newBuilder(uri(http, page)).header("Authorization", "Bearer wrong")
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("%s, wrong key", page)
                        .isEqualTo(401);
                assertThat(HTTP.send(HttpRequest.newBuilder(uri(http, page)).header("Authorization", "Bearer s3cret")
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("%s, bearer", page)
                        .isEqualTo(200);
                assertThat(HTTP.send(HttpRequest.newBuilder(uri(http, page)).header("X-Api-Key", "s3cret").build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as("%s, x-api-key", page).isEqualTo(200);
            }
            assertThat(HTTP.send(get(http, "/metrics"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    private static HttpRequest get(MetricsEndpoint http, String path) {
        return HttpRequest.newBuilder(uri(http, path)).timeout(Duration.ofSeconds(60)).build();
    }

    private static URI uri(MetricsEndpoint http, String path) {
        return URI.create("http://127.0.0.1:" + http.port() + path);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
