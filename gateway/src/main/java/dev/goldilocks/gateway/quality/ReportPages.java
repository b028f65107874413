package dev.goldilocks.gateway.quality;

import com.sun.net.httpserver.Headers;
import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.ReportResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * /report (HTML) and /report.json beside /metrics. They are answered from the {@link CachedReport}, off the
 * metrics threads, and when the gateway requires API keys they require one of the same keys as the admin
 * API ({@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}); /metrics stays open to scrapers.
 */
public final class ReportPages {

    private ReportPages() {
    }

    /** @param keys the keys the admin API accepts; empty: no key needed */
    public static void serve(MetricsEndpoint http, CachedReport<ReportResponse> report, List<ApiKey> keys) {
        http.page("/report", page(report, keys, r -> MetricsEndpoint.Answer.ok("text/html; charset=utf-8",
                ReportPage.html(r))));
        http.page("/report.json", page(report, keys, r -> MetricsEndpoint.Answer.ok("application/json",
                ReportJson.of(r))));
    }

    /**
     * A page answered from {@code report}, rendered by {@code render}, that asks for one of {@code keys} as the
     * admin API does (none when there are no keys).
     */
    public static <T> MetricsEndpoint.Page page(CachedReport<T> report, List<ApiKey> keys,
                                                Function<T, MetricsEndpoint.Answer> render) {
        return headers -> {
            if (!keys.isEmpty() && presentedKey(headers).flatMap(k -> ApiKey.find(keys, k)).isEmpty()) {
                return CompletableFuture.completedFuture(new MetricsEndpoint.Answer(401, "text/plain; charset=utf-8",
                        "an API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'\n"));
            }
            return report.get().thenApply(render);
        };
    }

    private static Optional<String> presentedKey(Headers headers) {
        String bearer = headers.getFirst("Authorization");
        if (bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(bearer.substring(7).strip());
        }
        String key = headers.getFirst("X-Api-Key");
        return key == null || key.isBlank() ? Optional.empty() : Optional.of(key.strip());
    }
}
