package dev.goldilocks.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.PostgresStore;
import dev.goldilocks.store.jdbc.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The decision log contract on PostgreSQL (a throwaway cluster for the class, a new database per test),
 * and what only a shared server has: it can go down and come back mid-run, and several gateway replicas
 * write to it at once.
 */
class PostgresDecisionLogTest extends DecisionLogContractTest {

    private PostgresCluster cluster;
    private String unreachableUrl;

    @BeforeAll
    void startPostgres() throws Exception {
        cluster = PostgresCluster.start();
    }

    @AfterAll
    void stopPostgres() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    String freshStore() throws Exception {
        return "store: postgresql\nurl: " + cluster.newDatabase() + "\ncredentials_file: " + cluster.credentialsFile()
                + "\n";
    }

    @Override
    String unreachableStore() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            unreachableUrl = "jdbc:postgresql://127.0.0.1:" + s.getLocalPort() + "/nowhere";
        }
        return "store: postgresql\nurl: " + unreachableUrl + "\n";
    }

    @Override
    String unreachableLocation() {
        return unreachableUrl;
    }

    @Override
    Store storeOf(DecisionLogSettings settings) {
        DecisionLogSettings.Credentials c = settings.credentials().orElseThrow();
        return new PostgresStore(settings.url(), c.user(), c.password());
    }

    @Test
    void rowsLostWhilePostgresIsDownAreExactlyThoseCountedAndTheWriterRecovers() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DecisionLog log = open(settings(freshStore() + "queue_capacity: 500\nbatch_size: 50\nflush_interval_ms: 20\n"),
                registry);
        int offered = 0;
        for (int i = 0; i < 200; i++, offered++) {
            log.record(Decisions.minimal("before-" + i, Instant.now()));
        }
        assertThat(log.flush(FLUSH)).isTrue();

        cluster.kill();
        try {
            for (int i = 0; i < 2_000; i++, offered++) {
                log.record(Decisions.minimal("down-" + i, Instant.now()));
            }
            Await.until("the log reports the store unreachable", () -> log.health().detail().contains("cannot reach"));
            assertThat(log.health().state()).isEqualTo(LogHealth.State.DEGRADED);
        } finally {
            cluster.restart();
        }
        for (int i = 0; i < 100; i++, offered++) {
            log.record(Decisions.minimal("after-" + i, Instant.now()));
        }
        Await.until("every row handed over written or dropped", () -> log.flush(Duration.ofSeconds(1)));

        double dropped = counter(registry, "goldilocks.decision.log.dropped", "reason", "queue_full")
                + counter(registry, "goldilocks.decision.log.dropped", "reason", "store_error")
                + counter(registry, "goldilocks.decision.log.dropped", "reason", "closed");
        assertThat(rows(log) + (long) dropped).isEqualTo(offered);
        assertThat(rows(log)).isEqualTo((long) counter(registry, "goldilocks.decision.log.written"));
        // the queue holds 500 rows while the store is down (the batch being written counts); a batch the writer
        // took out and lost to the outage is counted as store errors and frees its room
        double storeErrors = counter(registry, "goldilocks.decision.log.dropped", "reason", "store_error");
        assertThat(counter(registry, "goldilocks.decision.log.dropped", "reason", "queue_full"))
                .isGreaterThanOrEqualTo(2_000 - 500 - storeErrors);
        assertThat(rows(log)).isGreaterThanOrEqualTo(200 + 500 - 50); // the queue, less one failed batch at most

        assertThat(log.health().detail()).doesNotContain("cannot reach");
        assertThat(log.record(Decisions.minimal("recovered", Instant.now()))).isTrue();
        assertThat(log.flush(FLUSH)).isTrue();
        assertThat(history(log).latest(1).get(0).decision().requestId()).isEqualTo("recovered");
    }

    @Test
    void feedbackCountsOnceAcrossReplicasSharingTheStore() throws Exception {
        String store = freshStore();
        List<DecisionLog> replicas = List.of(open(store), open(store));
        int requests = 30;
        int attemptsPerReplica = 2;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Map.Entry<String, FeedbackReceipt>>> receipts = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                String id = "r-" + r;
                for (DecisionLog replica : replicas) {
                    for (int a = 0; a < attemptsPerReplica; a++) {
                        double score = a;
                        Callable<Map.Entry<String, FeedbackReceipt>> send = () -> {
                            go.await();
                            return Map.entry(id, replica.recordFeedback(new Feedback(id, Instant.now(), score, "")));
                        };
                        receipts.add(pool.submit(send));
                    }
                }
            }
            go.countDown();
            Map<String, List<FeedbackReceipt>> byRequest = new java.util.TreeMap<>();
            for (Future<Map.Entry<String, FeedbackReceipt>> f : receipts) {
                Map.Entry<String, FeedbackReceipt> e = f.get();
                byRequest.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }

            assertThat(byRequest).hasSize(requests).allSatisfy((id, got) -> assertThat(got.stream()
                    .collect(Collectors.groupingBy(x -> x, Collectors.counting())))
                    .isEqualTo(Map.of(FeedbackReceipt.FIRST, 1L, FeedbackReceipt.REPEATED, 3L)));
            try (Store s = storeOf(settings(store)); Connection c = s.connect(); Statement q = c.createStatement();
                 ResultSet rs = q.executeQuery("SELECT count(*) FROM feedback")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(requests);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void replicasStartingTogetherMigrateTheSchemaOnce() throws Exception {
        String store = freshStore();
        int replicas = 4;
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<DecisionLog>> started = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                started.add(pool.submit(() -> {
                    go.await();
                    return open(settings(store + "required: true\n"), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                }));
            }
            go.countDown();
            for (Future<DecisionLog> f : started) {
                assertThat(f.get().health().state()).isEqualTo(LogHealth.State.OK);
            }
            try (Store s = storeOf(settings(store)); Connection c = s.connect(); Statement q = c.createStatement();
                 ResultSet rs = q.executeQuery("SELECT count(*), max(version) FROM schema_version")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(Migrations.latest());
                assertThat(rs.getInt(2)).isEqualTo(Migrations.latest());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void postgresqlAlsoGetsItsTimeIndex() throws Exception {
        DecisionLogSettings settings = settings(freshStore());
        try (Store s = storeOf(settings); Connection c = Migrations.connect(s); Statement q = c.createStatement();
             ResultSet rs = q.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'decision_decided_at'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).contains("(decided_at)");
        }
    }
}
