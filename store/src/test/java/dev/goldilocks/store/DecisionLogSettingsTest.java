package dev.goldilocks.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.config.ConfigException;
import dev.goldilocks.common.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogSettingsTest {

    @TempDir
    Path dir;

    private static DecisionLogSettings read(String yaml) {
        return ConfigNode.parse(yaml, "gateway.yaml").section("decision_log", DecisionLogSettings::read);
    }

    @Test
    void defaultsAreAnEmbeddedDuckDbThatKeepsNoText() {
        DecisionLogSettings s = read("");
        assertThat(s.store()).isEqualTo(DecisionLogSettings.Kind.DUCKDB);
        assertThat(s.path()).isEqualTo(Path.of("data/decision-log.duckdb"));
        assertThat(s.required()).isFalse();
        assertThat(s.queueCapacity()).isEqualTo(10_000);
        assertThat(s.batchSize()).isEqualTo(1_000);
        assertThat(s.flushInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(s.logText()).isFalse();
        assertThat(s.credentials()).isEmpty();
    }

    @Test
    void aBareOffIsOffThoughYamlReadsItAsFalse() {
        assertThat(read("decision_log: {store: off}").store()).isEqualTo(DecisionLogSettings.Kind.OFF);
        assertThat(read("decision_log: {store: \"off\"}").store()).isEqualTo(DecisionLogSettings.Kind.OFF);
        assertThatThrownBy(() -> read("decision_log: {store: on}")).hasMessageStartingWith("decision_log.store:");
    }

    @Test
    void readsEveryKeyOfAPostgresqlStore() throws Exception {
        Path secret = Files.writeString(dir.resolve("db.yaml"), "user: gateway\npassword: s3cret\n");
        DecisionLogSettings s = read("""
                decision_log:
                  store: postgresql
                  url: jdbc:postgresql://db:5432/goldilocks
                  credentials_file: %s
                  required: true
                  queue_capacity: 500
                  batch_size: 50
                  flush_interval_ms: 20
                  retention_days: 0
                  log_text: true
                """.formatted(secret));
        assertThat(s.store()).isEqualTo(DecisionLogSettings.Kind.POSTGRESQL);
        assertThat(s.url()).isEqualTo("jdbc:postgresql://db:5432/goldilocks");
        assertThat(s.credentials().orElseThrow().user()).isEqualTo("gateway");
        assertThat(s.credentials().orElseThrow().password()).isEqualTo("s3cret");
        assertThat(s.toString()).doesNotContain("s3cret");
        assertThat(s.required()).isTrue();
        assertThat(s.queueCapacity()).isEqualTo(500);
        assertThat(s.batchSize()).isEqualTo(50);
        assertThat(s.flushInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(s.retention()).isZero();
        assertThat(s.logText()).isTrue();
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> read("decision_log: {store: mysql}")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("decision_log.store: must be one of");
        assertThatThrownBy(() -> read("decision_log: {store: postgresql}"))
                .hasMessage("decision_log.url: is required when store is postgresql");
        assertThatThrownBy(() -> read("decision_log: {store: postgresql, url: 'postgres://db/x'}"))
                .hasMessage("decision_log.url: must be a jdbc:postgresql: URL");
        assertThatThrownBy(() -> read("decision_log: {queue_capacity: 0}"))
                .hasMessageStartingWith("decision_log.queue_capacity: must be between 1");
        assertThatThrownBy(() -> read("decision_log: {retention_days: -1}"))
                .hasMessageStartingWith("decision_log.retention_days: must be between 0");
        assertThatThrownBy(() -> read("decision_log: {log_text: yes please}"))
                .hasMessageStartingWith("decision_log.log_text: must be true or false");
        assertThatThrownBy(() -> read("decision_log: {queue_capacty: 10}"))
                .hasMessage("decision_log.queue_capacty: is not a known key here");
    }

    @Test
    void aCredentialsFileErrorNamesTheKeyAndTheFile() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> read("decision_log: {credentials_file: " + missing + "}"))
                .hasMessageStartingWith("decision_log.credentials_file: " + missing + ": cannot read");
        Path noUser = Files.writeString(dir.resolve("no-user.yaml"), "password: x\n");
        assertThatThrownBy(() -> read("decision_log: {credentials_file: " + noUser + "}"))
                .hasMessage("decision_log.credentials_file: " + noUser + ": user: is required");
    }
}
