package dev.goldilocks.gateway.experiments;

import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.gateway.quality.CachedReport;
import dev.goldilocks.gateway.quality.ReportJson;
import dev.goldilocks.gateway.quality.ReportPages;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import java.util.List;
import java.util.stream.Collectors;

/**
 * /experiments (HTML) and /experiments.json beside /report, with the same keys: every experiment's report, newest
 * first, built on a thread of its own and cached for a couple of seconds.
 */
final class ExperimentPages {

    private ExperimentPages() {
    }

    static void serve(MetricsEndpoint http, CachedReport<List<ExperimentReportResponse>> reports, String storage,
                      List<ApiKey> keys) {
        http.page("/experiments", ReportPages.page(reports, keys, r -> MetricsEndpoint.Answer.ok(
                "text/html; charset=utf-8", ExperimentPage.html(r, storage))));
        http.page("/experiments.json", ReportPages.page(reports, keys, r -> MetricsEndpoint.Answer.ok(
                "application/json", r.stream().map(ReportJson::of).collect(Collectors.joining(",\n", "[\n", "\n]\n")))));
    }
}
