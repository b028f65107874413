package dev.goldilocks.gateway.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.proto.v1.DomainReport;
import dev.goldilocks.proto.v1.ModelReport;
import dev.goldilocks.proto.v1.QualityEstimate;
import dev.goldilocks.proto.v1.ReportResponse;
import org.junit.jupiter.api.Test;

/** /report.json is usable by any JSON reader: numbers are numbers, unknown figures null. */
class ReportJsonTest {

    @Test
    void int64FieldsAreNumbersAndNanIsNull() throws Exception {
        ReportResponse report = ReportResponse.newBuilder().setGeneratedAtMillis(1_700_000_000_123L).setLambdaPerUsd(100)
                .addDomains(DomainReport.newBuilder().setDomain("math").setWinner("math-specialist")
                        .addModels(ModelReport.newBuilder().setModel("generic").setCalls(12).setP50Seconds(Double.NaN)
                                .setOfflineQuality(Double.NaN).setLiveQuality(0.25)
                                .addQuality(QualityEstimate.newBuilder().setSource("probe").setMean(0.5).setLow(0.2)
                                        .setHigh(0.8).setN(7))))
                .build();
        JsonNode json = new ObjectMapper().readTree(ReportJson.of(report));
        assertThat(json.get("generatedAtMillis").isIntegralNumber()).isTrue();
        assertThat(json.get("generatedAtMillis").asLong()).isEqualTo(1_700_000_000_123L);
        JsonNode model = json.get("domains").get(0).get("models").get(0);
        assertThat(model.get("calls").isIntegralNumber()).isTrue();
        assertThat(model.get("calls").asLong()).isEqualTo(12);
        assertThat(model.get("p50Seconds").isNull()).isTrue();
        assertThat(model.get("offlineQuality").isNull()).isTrue();
        assertThat(model.get("liveQuality").asDouble()).isEqualTo(0.25);
        assertThat(model.get("utility").asDouble()).as("fields at their default are printed").isZero();
        assertThat(model.get("quality").get(0).get("n").isIntegralNumber()).isTrue();
        assertThat(json.get("domains").get(0).get("policies").isArray()).isTrue();
    }
}
