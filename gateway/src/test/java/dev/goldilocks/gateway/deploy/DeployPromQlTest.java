package dev.goldilocks.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric names the deploy tests read out of PromQL: only names, never label names or values. */
class DeployPromQlTest {

    @Test
    void findsMetricAndRecordingRuleNamesButNotLabelsFunctionsOrValues() {
        assertThat(PromQl.metricNames("sum by (model, le) (rate(goldilocks_request_seconds_bucket{traffic=\"client\","
                + " job=~\"goldilocks-.*\"}[5m]))")).containsExactly("goldilocks_request_seconds_bucket");
        assertThat(PromQl.metricNames("source_model_domain:goldilocks_quality_score:mean1h{model!=\"generic\"}"
                + " - on (source, domain) group_left () goldilocks:slo_ttft_slow:ratio_rate5m / 0.01"))
                .containsExactly("goldilocks:slo_ttft_slow:ratio_rate5m", "source_model_domain:goldilocks_quality_score:mean1h");
        assertThat(PromQl.metricNames("up{job=~\"goldilocks.*\"} == 0 or absent(goldilocks_quality_score_count)"))
                .containsExactly("goldilocks_quality_score_count");
        assertThat(PromQl.metricNames("vector(0.0782)")).isEmpty();
        assertThat(PromQl.isRecorded("model:goldilocks_worker_queue_seconds:p95_5m")).isTrue();
        assertThat(PromQl.isRecorded("goldilocks_worker_queue_seconds_bucket")).isFalse();
    }
}
