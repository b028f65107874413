package dev.goldilocks.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.store.jdbc.Migrations;
import dev.goldilocks.store.jdbc.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every decision store must do, run against each real store by a subclass that says how to make a
 * fresh one: the same tests for DuckDB and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DecisionLogContractTest {

    /** A long flush interval: rows are written only by a full batch, a flush or close. */
    static final String NO_INTERVAL = "flush_interval_ms: 600000\n";
    static final Duration FLUSH = Duration.ofSeconds(60);

    /** Equal up to rounding in the last digits (sums and interpolated percentiles). */
    static final Comparator<Double> CLOSE = (a, b) -> Math.abs(a - b) < 1e-12 ? 0 : Double.compare(a, b);

    private final List<DecisionLog> opened = new CopyOnWriteArrayList<>(); // replicas open on several threads

    /** The decision_log section (YAML) of a fresh, empty store of this kind. */
    abstract String freshStore() throws Exception;

    /** The decision_log section of a store of this kind that cannot be reached. */
    abstract String unreachableStore() throws Exception;

    /** What an error about {@link #unreachableStore()} must name (its URL or path). */
    abstract String unreachableLocation();

    abstract Store storeOf(DecisionLogSettings settings);

    @AfterEach
    void closeLogs() {
        opened.forEach(DecisionLog::close);
        opened.clear();
    }

    static DecisionLogSettings settings(String yaml) {
        return DecisionLogSettings.read(ConfigNode.parse(yaml, "test"));
    }

    DecisionLog open(String yaml) {
        return open(settings(yaml), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    DecisionLog open(DecisionLogSettings settings, PrometheusMeterRegistry registry) {
        DecisionLog log = DecisionLogs.open(settings, registry);
        opened.add(log);
        return log;
    }

    static DecisionHistory history(DecisionLog log) {
        return log.history().orElseThrow();
    }

    static long rows(DecisionLog log) {
        return history(log).count(Instant.EPOCH, Instant.now().plus(1, ChronoUnit.DAYS));
    }

    static double counter(PrometheusMeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void everyFieldOfADecisionIsWrittenAndReadBackWithoutItsText() throws Exception {
        DecisionLog log = open(freshStore());
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).plusNanos(123_456_789);
        Decision full = Decisions.full("r-1", t);
        Decision minimal = Decisions.minimal("r-2", t.plusSeconds(1));

        assertThat(log.record(full)).isTrue();
        assertThat(log.record(minimal)).isTrue();
        assertThat(log.flush(FLUSH)).isTrue();

        List<LoggedDecision> latest = history(log).latest(10);
        assertThat(latest).extracting(LoggedDecision::decision).containsExactly(minimal, full.withoutText());
        assertThat(latest.get(1).decision().time()).isEqualTo(t.truncatedTo(ChronoUnit.MICROS)).isNotEqualTo(t);
        assertThat(latest.get(1).decision().action().propensity()).isEqualTo(0.7);
        assertThat(latest.get(1).decision().text()).isEmpty();
        assertThat(latest).allSatisfy(l -> {
            assertThat(l.feedback()).isEmpty();
            assertThat(l.shadow()).isEmpty();
            assertThat(l.probe()).isEmpty();
        });
    }

    @Test
    void textIsKeptOnlyWhenConfigured() throws Exception {
        DecisionLog log = open(freshStore() + "log_text: true\n");
        Decision full = Decisions.full("r-1", Instant.now());
        log.record(full);
        assertThat(log.flush(FLUSH)).isTrue();

        assertThat(history(log).latest(1).get(0).decision().text())
                .contains(new Decision.Text("What is 2 + 2?", "4"));
    }

    @Test
    void aNulCharacterInTextDoesNotCostTheRow() throws Exception {
        DecisionLog log = open(freshStore() + "log_text: true\n");
        Decision d = Decisions.full("r-1", Instant.now());
        log.record(new Decision(d.requestId(), d.time(), d.traffic(), d.unitHash(), d.assignment(), d.classification(),
                d.action(), d.serving(), d.timing(), d.usage(), Optional.of(new Decision.Text("a\u0000b", "c"))));
        assertThat(log.flush(FLUSH)).isTrue();
        assertThat(log.recordFeedback(new Feedback("r-1", Instant.now(), 1, "x\u0000y"))).isEqualTo(FeedbackReceipt.FIRST);

        LoggedDecision logged = history(log).latest(1).get(0);
        assertThat(logged.decision().text()).contains(new Decision.Text("a\uFFFDb", "c"));
        assertThat(logged.feedback().orElseThrow().label()).isEqualTo("x\uFFFDy");
    }

    @Test
    void aRowTheStoreRefusesCostsThatRowAloneNotItsBatch() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DecisionLog log = open(settings(freshStore() + NO_INTERVAL), registry);
        Instant t = Instant.now();
        log.record(Decisions.minimal("r-1", t));
        assertThat(log.flush(FLUSH)).isTrue();

        for (String id : List.of("r-2", "r-3", "r-1", "r-4")) { // r-1 again: the primary key refuses it
            log.record(Decisions.minimal(id, t.plusSeconds(1)));
        }
        assertThat(log.flush(FLUSH)).isTrue();

        assertThat(history(log).latest(10)).extracting(l -> l.decision().requestId())
                .containsExactlyInAnyOrder("r-1", "r-2", "r-3", "r-4");
        assertThat(counter(registry, "goldilocks.decision.log.dropped", "reason", "store_error")).isEqualTo(1);
        assertThat(counter(registry, "goldilocks.decision.log.written")).isEqualTo(4);
        assertThat(log.health().state()).isEqualTo(LogHealth.State.OK);
    }

    @Test
    void outcomesAreJoinedToTheirDecisionByRequestId() throws Exception {
        DecisionLog log = open(freshStore());
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS);
        log.record(Decisions.full("client-1", t));
        log.record(Decisions.served("probe-1", t.plusSeconds(1), TrafficClass.PROBE, "math", "math-specialist", 0.1, 0));
        ShadowJudgement shadow = new ShadowJudgement("client-1", t.plusSeconds(2), "generic", "math-specialist",
                Double.NEGATIVE_INFINITY, ShadowJudgement.Verdict.LOSS);
        ProbeScore probe = new ProbeScore("probe-1", t.plusSeconds(3), "math-0042", "exact_match", 1.0,
                OptionalDouble.of(-0.25));
        log.record(shadow);
        log.record(probe);
        assertThat(log.flush(FLUSH)).isTrue();
        Feedback feedback = new Feedback("client-1", t.plusSeconds(4), 0.5, "helpful");
        assertThat(log.recordFeedback(feedback)).isEqualTo(FeedbackReceipt.FIRST);

        List<LoggedDecision> latest = history(log).latest(2);
        assertThat(latest.get(0).decision().requestId()).isEqualTo("probe-1");
        assertThat(latest.get(0).probe()).contains(probe);
        assertThat(latest.get(0).shadow()).isEmpty();
        assertThat(latest.get(1).shadow()).contains(shadow);
        assertThat(latest.get(1).feedback()).contains(feedback);
        assertThat(latest.get(1).probe()).isEmpty();
    }

    @Test
    void feedbackCountsOncePerRequestId() throws Exception {
        DecisionLog log = open(freshStore());
        Instant t = Instant.now();

        assertThat(log.recordFeedback(new Feedback("r-1", t, 1.0, ""))).isEqualTo(FeedbackReceipt.FIRST);
        assertThat(log.recordFeedback(new Feedback("r-1", t.plusSeconds(1), 0.0, "changed my mind")))
                .isEqualTo(FeedbackReceipt.REPEATED);
        assertThat(log.recordFeedback(new Feedback("r-2", t, 0.0, ""))).isEqualTo(FeedbackReceipt.FIRST);

        assertThat(history(log).feedback("r-1")).contains(new Feedback("r-1", t, 1.0, ""));
        assertThat(history(log).feedback("r-3")).isEmpty();
    }

    @Test
    void scanReadsAWindowOfOneDomainAndTrafficInOrderPageByPage() throws Exception {
        DecisionLog log = open(freshStore() + "batch_size: 500\n");
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<Decision> all = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            // seven decisions share each millisecond: the page boundary must break ties by request id
            Instant t = base.plusMillis(i / 7);
            TrafficClass traffic = i % 3 == 0 ? TrafficClass.PROBE : TrafficClass.CLIENT;
            String domain = i % 2 == 0 ? "math" : "code";
            all.add(Decisions.served("r-%05d".formatted(6_000 - i), t, traffic, domain,
                    i % 5 == 0 ? "generic" : domain + "-specialist", 0.01 * (i % 10), 0.001));
        }
        all.forEach(d -> assertThat(log.record(d)).isTrue());
        assertThat(log.flush(FLUSH)).isTrue();

        Instant since = base.plusMillis(100);
        Instant until = base.plusMillis(700);
        List<Decision> expected = all.stream()
                .filter(d -> !d.time().isBefore(since) && d.time().isBefore(until))
                .filter(d -> d.classification().domain().equals("math") && d.traffic() == TrafficClass.CLIENT)
                .sorted(Comparator.comparing(Decision::time).thenComparing(Decision::requestId)).toList();
        List<Decision> scanned = new ArrayList<>();
        history(log).scan(EvaluationQuery.between(since, until).domain("math").traffic(TrafficClass.CLIENT),
                l -> scanned.add(l.decision()));

        assertThat(expected).hasSizeGreaterThan(1_000); // more than one page
        assertThat(scanned).containsExactlyElementsOf(expected);
        List<Decision> everything = new ArrayList<>();
        history(log).scan(EvaluationQuery.between(base, base.plusSeconds(60)), l -> everything.add(l.decision()));
        assertThat(everything).hasSize(all.size());
    }

    @Test
    void historyPerModelAndDomainForTheTradeoffReport() throws Exception {
        DecisionLog log = open(freshStore());
        Instant t = Instant.now().minusSeconds(60);
        for (int i = 1; i <= 4; i++) {
            log.record(Decisions.served("g-" + i, t, TrafficClass.CLIENT, "math", "generic", i, 0.01));
            log.record(new ProbeScore("g-" + i, t, "item-" + i, "exact_match", i % 2, OptionalDouble.empty()));
        }
        log.record(Decisions.served("s-1", t, TrafficClass.CLIENT, "math", "math-specialist", 0.5, 0.001));
        log.record(Decisions.served("p-1", t, TrafficClass.PROBE, "math", "math-specialist", 0.5, 0.001));
        log.record(new ShadowJudgement("s-1", t, "math-specialist", "generic", 0.25, ShadowJudgement.Verdict.WIN));
        log.record(new ShadowJudgement("g-1", t, "generic", "math-specialist", Double.POSITIVE_INFINITY,
                ShadowJudgement.Verdict.WIN));
        assertThat(log.flush(FLUSH)).isTrue();
        log.recordFeedback(new Feedback("s-1", t, 0.75, ""));

        DecisionHistory history = history(log);
        Instant since = t.minusSeconds(1);
        assertThat(history.usage(since, EnumSet.of(TrafficClass.CLIENT)))
                .usingRecursiveFieldByFieldElementComparator(RecursiveComparisonConfiguration.builder()
                        .withComparatorForType(CLOSE, Double.class).build())
                .containsExactly(
                        new ModelUsage("generic", "math", 4, 0, 0, 2.5, 3.85, 0.04, 40, 80),
                        new ModelUsage("math-specialist", "math", 1, 0, 0, 0.5, 0.5, 0.001, 10, 20));
        assertThat(history.usage(since, EnumSet.allOf(TrafficClass.class))).extracting(ModelUsage::requests)
                .containsExactly(4L, 2L);
        List<ModelQuality> quality = history.quality(since);
        assertThat(quality).hasSize(2);
        assertThat(quality.get(0)).satisfies(q -> {
            assertThat(q.model()).isEqualTo("generic");
            assertThat(q.source()).isEqualTo("probe");
            assertThat(q.n()).isEqualTo(4);
            assertThat(q.mean()).isEqualTo(0.5);
            assertThat(q.variance().getAsDouble()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
        });
        assertThat(quality.get(1)).isEqualTo(new ModelQuality("math-specialist", "math", "feedback", 1, 0.75,
                OptionalDouble.empty()));
        assertThat(history.shadow(since)).containsExactly(
                new ShadowTally("math", "generic", "math-specialist", 1, 1, 0, 0, OptionalDouble.empty()),
                new ShadowTally("math", "math-specialist", "generic", 1, 1, 0, 0, OptionalDouble.of(0.25)));
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingAndTheRestWaitsForItsInterval() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DecisionLog log = open(settings(freshStore() + NO_INTERVAL + "batch_size: 100\n"), registry);
        Instant t = Instant.now();
        for (int i = 0; i < 250; i++) {
            assertThat(log.record(Decisions.minimal("r-" + i, t))).isTrue();
        }

        Await.until("two full batches written", () -> counter(registry, "goldilocks.decision.log.written") == 200);
        assertThat(rows(log)).isEqualTo(200);
        Await.until("50 rows held", () -> registry.get("goldilocks.decision.log.queued").gauge().value() == 50);
        assertThat(rows(log)).isEqualTo(200); // the third batch waits: its interval is ten minutes

        assertThat(log.flush(FLUSH)).isTrue();
        assertThat(rows(log)).isEqualTo(250);
        assertThat(registry.get("goldilocks.decision.log.queued").gauge().value()).isZero();
        assertThat(registry.get("goldilocks.decision.log.batch.write").timer().count()).isEqualTo(3);
    }

    @Test
    void rowsAreWrittenWhenTheFlushIntervalEndsWithoutAFlushCall() throws Exception {
        DecisionLog log = open(freshStore() + "flush_interval_ms: 50\n");
        for (int i = 0; i < 10; i++) {
            log.record(Decisions.minimal("r-" + i, Instant.now()));
        }
        Await.until("ten rows in the store", () -> rows(log) == 10);
    }

    @Test
    void closeWritesWhatIsQueuedAndTheNextStartReadsIt() throws Exception {
        String store = freshStore() + NO_INTERVAL;
        DecisionLog first = DecisionLogs.open(settings(store), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        for (int i = 0; i < 30; i++) {
            first.record(Decisions.minimal("r-" + i, Instant.now()));
        }
        first.close();

        DecisionLog second = open(store);
        assertThat(rows(second)).isEqualTo(30);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DecisionLog log = open(settings(freshStore() + NO_INTERVAL + "queue_capacity: 10\n"), registry);
        int accepted = 0;
        for (int i = 0; i < 25; i++) {
            accepted += log.record(Decisions.minimal("r-" + i, Instant.now())) ? 1 : 0;
        }

        assertThat(accepted).isEqualTo(10);
        assertThat(registry.scrape()).contains("goldilocks_decision_log_dropped_total{reason=\"queue_full\"} 15.0");
        assertThat(log.health().state()).isEqualTo(LogHealth.State.DEGRADED);
        assertThat(log.health().detail()).contains("queue of 10 rows was full");
        assertThat(log.flush(FLUSH)).isTrue();
        assertThat(rows(log)).isEqualTo(10);
    }

    @Test
    void retentionDeletesRowsOlderThanConfiguredPeriodically() throws Exception {
        DecisionLog log = open(settings(freshStore() + "retention_days: 30\n")
                .withRetentionCheckInterval(Duration.ofMillis(100)), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Instant old = Instant.now().minus(31, ChronoUnit.DAYS);
        Instant recent = Instant.now().minus(29, ChronoUnit.DAYS);
        log.record(Decisions.minimal("old", old));
        log.record(new ProbeScore("old", old, "item", "exact_match", 1, OptionalDouble.empty()));
        log.record(Decisions.minimal("recent", recent));
        assertThat(log.recordFeedback(new Feedback("old", old, 1, ""))).isEqualTo(FeedbackReceipt.FIRST);

        Await.until("the old decision deleted", () -> history(log).latest(10).stream()
                .map(l -> l.decision().requestId()).toList().equals(List.of("recent")));
        Await.until("the old feedback deleted", () -> history(log).feedback("old").isEmpty());
    }

    @Test
    void everyQueryTheReadmeShowsAnalystsRunsOnThisStore() throws Exception {
        DecisionLogSettings settings = settings(freshStore());
        DecisionLog log = open(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Instant t = Instant.now().minusSeconds(60);
        log.record(Decisions.full("client-1", t));
        log.record(Decisions.served("probe-1", t, TrafficClass.PROBE, "math", "generic", 0.2, 0.001));
        log.record(new ProbeScore("probe-1", t, "math-1", "exact_match", 1, OptionalDouble.of(-0.5)));
        log.record(new ShadowJudgement("client-1", t, "generic", "math-specialist", 0.1, ShadowJudgement.Verdict.WIN));
        log.recordFeedback(new Feedback("client-1", t, 1, ""));
        log.close();

        List<String> queries = ReadmeQueries.read();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(7);
        try (Store store = storeOf(settings); Connection c = store.connect(); Statement s = c.createStatement()) {
            for (String query : queries) {
                try (ResultSet rs = s.executeQuery(query)) {
                    assertThat(rs.next()).as("a row from:%n%s", query).isTrue();
                }
            }
        }
    }

    @Test
    void migrationsApplyOnceAndAreIdempotent() throws Exception {
        DecisionLogSettings settings = settings(freshStore());
        try (Store store = storeOf(settings); Connection c = store.connect()) {
            assertThat(Migrations.apply(store, c)).containsExactly(1, 2);
            assertThat(Migrations.apply(store, c)).isEmpty();
            Migrations.verifyColumns(c);
        }
        DecisionLogs.open(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).close();
        DecisionLog log = open(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        log.close();
        try (Store store = storeOf(settings); Connection c = store.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).startsWith("V1: the decision log");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(Migrations.latest()).isEqualTo(2);
            assertThat(rs.getString(2)).startsWith("V2: experiments between routing policies");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void anUnreachableRequiredStoreFailsTheStartNamingIt() throws Exception {
        String yaml = unreachableStore() + "required: true\n";
        assertThatThrownBy(() -> DecisionLogs.open(settings(yaml), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
                .isInstanceOf(DecisionStoreException.class)
                .hasMessageContaining("cannot reach")
                .hasMessageContaining(unreachableLocation());
    }

    @Test
    void anUnreachableOptionalStoreRunsDegradedAndCountsEveryRowItLoses() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DecisionLog log = open(settings(unreachableStore() + "queue_capacity: 5\n"), registry);

        assertThat(log.health().state()).isEqualTo(LogHealth.State.DEGRADED);
        assertThat(log.health().detail()).contains(unreachableLocation());
        int accepted = 0;
        for (int i = 0; i < 8; i++) {
            accepted += log.record(Decisions.minimal("r-" + i, Instant.now())) ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(5);
        assertThat(log.flush(Duration.ofMillis(200))).isFalse(); // nothing can be written
        assertThat(log.recordFeedback(new Feedback("r-1", Instant.now(), 1, ""))).isEqualTo(FeedbackReceipt.UNAVAILABLE);
        log.close();

        assertThat(counter(registry, "goldilocks.decision.log.dropped", "reason", "queue_full")).isEqualTo(3);
        assertThat(counter(registry, "goldilocks.decision.log.dropped", "reason", "closed")).isEqualTo(5);
        assertThat(counter(registry, "goldilocks.decision.log.written")).isZero();
        assertThat(log.record(Decisions.minimal("late", Instant.now()))).isFalse();
        assertThat(counter(registry, "goldilocks.decision.log.dropped", "reason", "closed")).isEqualTo(6);
    }

    @Test
    void experimentsSurviveReopeningWithTheirEventsAndEveryChangeIsOneVersionOn() throws Exception {
        String store = freshStore();
        DecisionLog log = open(store);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ExperimentStore experiments = log.experiments().orElseThrow();
        experiments.change(e -> {
            e.insert(StoredExperiment.created("exp", "{\"name\": \"exp\"}", "draft", t));
            e.event(new ExperimentEvent("exp", t, "created", "by a test"));
            return null;
        });
        StoredExperiment running = experiments.change(e -> {
            StoredExperiment now = e.all().get(0).moved("running", t.plusSeconds(1), Optional.of(t.plusSeconds(1)),
                    Optional.empty(), "");
            e.update(now);
            e.event(new ExperimentEvent("exp", t.plusSeconds(1), "started", ""));
            return now;
        });
        log.close();

        ExperimentStore reopened = open(store).experiments().orElseThrow();
        assertThat(reopened.list()).containsExactly(running);
        assertThat(running.version()).isEqualTo(2);
        assertThat(reopened.events("exp")).extracting(ExperimentEvent::kind).containsExactly("created", "started");
    }

    @Test
    void aChangeThatFailsLeavesNothingBehind() throws Exception {
        ExperimentStore experiments = open(freshStore()).experiments().orElseThrow();
        Instant t = Instant.now();
        experiments.change(e -> {
            e.insert(StoredExperiment.created("kept", "{}", "draft", t));
            return null;
        });
        assertThatThrownBy(() -> experiments.change(e -> {
            e.insert(StoredExperiment.created("lost", "{}", "draft", t));
            e.event(new ExperimentEvent("lost", t, "created", ""));
            throw new IllegalArgumentException("refused after writing");
        })).hasMessage("refused after writing");
        assertThatThrownBy(() -> experiments.change(e -> {
            e.update(e.all().get(0).moved("running", t, Optional.of(t), Optional.empty(), "").moved("paused", t,
                    Optional.of(t), Optional.empty(), ""));
            return null;
        })).hasMessageContaining("not at version 2");

        assertThat(experiments.list()).extracting(StoredExperiment::name, StoredExperiment::state, StoredExperiment::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kept", "draft", 1L));
        assertThat(experiments.events("lost")).isEmpty();
    }

    @Test
    void anExperimentsExposuresAreSummedPerUnitThenOverUnits() throws Exception {
        DecisionLog log = open(freshStore() + NO_INTERVAL);
        Instant t = Instant.now().minus(1, ChronoUnit.MINUTES);
        // control: user a sends two math requests (one failed), user b one; one request alone (no unit)
        log.record(Decisions.exposed("c-1", t, "a", "control", "math", "generic", "OK", 1.0, 0.3));
        log.record(Decisions.exposed("c-2", t, "a", "control", "math", "generic", "UNAVAILABLE", 2.0, 0.0));
        log.record(Decisions.exposed("c-3", t, "b", "control", "code", "generic", "OK", 0.5, 0.1));
        log.record(Decisions.exposed("c-4", t, "", "control", "code", "generic", "OK", 0.5, 0.2));
        // treatment: user c, two requests on the specialist
        log.record(Decisions.exposed("t-1", t, "c", "treatment", "math", "math-specialist", "OK", 0.2, 0.05));
        log.record(Decisions.exposed("t-2", t, "c", "treatment", "math", "math-specialist", "OK", 0.4, 0.05));
        // outside the experiment, and before its window
        log.record(Decisions.served("other", t, TrafficClass.CLIENT, "math", "generic", 1, 1));
        log.record(Decisions.exposed("early", t.minus(1, ChronoUnit.HOURS), "a", "control", "math", "generic", "OK", 9, 9));
        log.record(new JudgeScore("c-1", t, "generic", 0.5));
        log.record(new JudgeScore("t-2", t, "generic", 0.25));
        assertThat(log.flush(FLUSH)).isTrue();
        log.recordFeedback(new Feedback("c-1", t, 1.0, ""));
        log.recordFeedback(new Feedback("c-3", t, 0.0, ""));
        log.recordFeedback(new Feedback("t-1", t, 1.0, ""));
        log.recordFeedback(new Feedback("t-2", t, 1.0, ""));

        List<ArmTotals> all = log.experiments().orElseThrow().reading(r -> r.totals("exp", t.minusSeconds(1),
                Instant.now(), false, "generic"));
        assertThat(all).extracting(ArmTotals::arm, ArmTotals::domain, ArmTotals::units, ArmTotals::requests)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("control", "", 3L, 4L),
                        org.assertj.core.groups.Tuple.tuple("treatment", "", 1L, 2L));
        ArmTotals control = all.get(0);
        // per unit (x, y): a (0.3, 2), b (0.1, 1), alone (0.2, 1)
        assertThat(control.metrics().get(ExposureMetric.COST_USD)).usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class)
                .isEqualTo(new RatioSums(3, 0.6, 4, 0.09 + 0.01 + 0.04, 4 + 1 + 1, 0.6 + 0.1 + 0.2));
        // feedback: a (1, 1), b (0, 1), alone (0, 0)
        assertThat(control.metrics().get(ExposureMetric.QUALITY)).usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class).isEqualTo(new RatioSums(3, 1, 2, 1, 2, 1));
        // errors: a (1, 2); latency and first token over answered requests only: a (1, 1)
        assertThat(control.metrics().get(ExposureMetric.ERROR_RATE).sumX()).isEqualTo(1);
        assertThat(control.metrics().get(ExposureMetric.LATENCY_SECONDS)).usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class).isEqualTo(new RatioSums(3, 2, 3, 1 + 0.25 + 0.25, 3,
                        1 + 0.5 + 0.5));
        assertThat(control.metrics().get(ExposureMetric.TTFT_SECONDS)).usingRecursiveComparison()
                .withComparatorForType(CLOSE, Double.class)
                .isEqualTo(new RatioSums(3, 0.5, 3, 0.0625 + 0.015625 + 0.015625, 3, 0.25 + 0.125 + 0.125));
        assertThat(control.metrics().get(ExposureMetric.JUDGE_QUALITY).sumY()).isEqualTo(1);
        assertThat(control.metrics().get(ExposureMetric.GENERIC_SHARE).sumX()).isEqualTo(3);
        ArmTotals treatment = all.get(1);
        assertThat(treatment.metrics().get(ExposureMetric.GENERIC_SHARE).sumX()).isZero();
        assertThat(treatment.metrics().get(ExposureMetric.QUALITY)).usingRecursiveComparison()
                .isEqualTo(new RatioSums(1, 2, 2, 4, 4, 4));
        assertThat(treatment.metrics().get(ExposureMetric.JUDGE_QUALITY).sumX()).isEqualTo(0.25);

        List<ArmTotals> byDomain = log.experiments().orElseThrow().reading(r -> r.totals("exp", t.minusSeconds(1),
                Instant.now(), true, "generic"));
        assertThat(byDomain).extracting(ArmTotals::arm, ArmTotals::domain, ArmTotals::units, ArmTotals::requests)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("control", "code", 2L, 2L),
                        org.assertj.core.groups.Tuple.tuple("control", "math", 1L, 2L),
                        org.assertj.core.groups.Tuple.tuple("treatment", "math", 1L, 2L));
    }
}
