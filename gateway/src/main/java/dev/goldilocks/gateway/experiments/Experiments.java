package dev.goldilocks.gateway.experiments;

import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.gateway.decisions.DecisionLogging;
import dev.goldilocks.gateway.decisions.DecisionRecorder;
import dev.goldilocks.gateway.quality.CachedReport;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.router.Router;
import io.grpc.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's experiments, wired: kept in the decision log's store (or in memory without one), routed by
 * {@link #live()}, watched for guardrail breaches, judged on a sample, served through the admin API and the
 * /experiments page.
 */
public final class Experiments implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Experiments.class);
    private static final long PAGE_MAX_AGE_MILLIS = 2000;

    private final ExperimentBook book;
    private final LiveExperiments live;
    private final ExperimentMonitor monitor;
    private final ExperimentAdmin admin;
    private final ExperimentMetrics metrics;
    private final CachedReport<List<ExperimentReportResponse>> pages;
    private volatile ExperimentJudge judge;

    private Experiments(ExperimentBook book, LiveExperiments live, ExperimentMonitor monitor, ExperimentAdmin admin,
                        ExperimentMetrics metrics) {
        this.book = book;
        this.live = live;
        this.monitor = monitor;
        this.admin = admin;
        this.metrics = metrics;
        this.pages = new CachedReport<>(admin::reports, PAGE_MAX_AGE_MILLIS);
    }

    /**
     * Reads the experiments kept in the decision log's store (routing by the running ones from the first request)
     * and starts watching them.
     *
     * @param configured   every policy the gateway runs, with its configured settings (arms override them)
     * @param routerFor    a router that runs only the given policy, built as the gateway builds its own
     * @param genericModel the generic model (the judge, and generic_share)
     */
    public static Experiments start(DecisionLogging log, Map<String, PolicySpec> configured,
                                    Function<PolicySpec, Router> routerFor, List<String> domains, String genericModel,
                                    MeterRegistry registry) {
        ExperimentBook book = log.experiments().map(s -> ExperimentBook.of(s, s.location()))
                .orElseGet(MemoryBook::new);
        if (book instanceof MemoryBook) {
            LOG.info("experiments: kept in {}", MemoryBook.STORAGE);
        }
        ExperimentMetrics metrics = new ExperimentMetrics(registry);
        LiveExperiments live = new LiveExperiments(routerFor, metrics);
        Clock clock = Clock.systemUTC();
        DefinitionValidator validator = new DefinitionValidator(configured, domains);
        ExperimentAnalyzer analyzer = new ExperimentAnalyzer(genericModel, clock);
        ExperimentLifecycle lifecycle = new ExperimentLifecycle(book, validator, clock, live::refresh);
        ExperimentMonitor monitor = new ExperimentMonitor(lifecycle, live, analyzer, book.results());
        try {
            monitor.reload();
        } catch (RuntimeException e) {
            LOG.warn("experiments: cannot read them at start ({}); routing by none until the store answers",
                    e.getMessage());
        }
        monitor.start();
        return new Experiments(book, live, monitor, new ExperimentAdmin(lifecycle, analyzer, book), metrics);
    }

    /** What routes requests by experiment now. */
    public LiveExperiments live() {
        return live;
    }

    public ExperimentAdmin admin() {
        return admin;
    }

    /**
     * Starts judging a sample of experiment answers through {@code gateway} (the gateway's own API, in-process).
     *
     * @param apiKey the key the gateway's own traffic sends; null when keys are not required
     */
    public void startJudge(Channel gateway, String apiKey, DecisionRecorder recorder, String judgeModel) {
        judge = new ExperimentJudge(live, judgeModel, gateway, apiKey, recorder, metrics, new SplittableRandom());
    }

    /** A client's request and its answer, after the answer was sent. */
    public void answered(GenerateRequest request, GenerateResponse answer) {
        ExperimentJudge j = judge;
        if (j != null) {
            j.offer(request, answer);
        }
    }

    /** /experiments and /experiments.json on the metrics port, behind the admin API's keys. */
    public void servePages(MetricsEndpoint http, List<ApiKey> keys) {
        ExperimentPages.serve(http, pages, book.storage(), keys);
    }

    @Override
    public void close() {
        monitor.close();
        ExperimentJudge j = judge;
        if (j != null) {
            j.close();
        }
        pages.close();
        admin.close();
    }
}
