package dev.goldilocks.gateway.quality;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.router.CandidateModel;
import dev.goldilocks.router.ModelCatalog;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes: held-out evaluation items sent at a low rate through the gateway's own public API (validation,
 * dispatch, workers: the normal path), marked as low-priority probe traffic, to every candidate model of
 * the item's domain, and scored by the item's metric. Each score is a quality observation tagged
 * source=probe; for continuation items the reference's log-likelihood per byte is measured too (Score).
 */
public final class ProbeRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);
    private static final long DEADLINE_SECONDS = 30;

    /** Where probe results go. */
    public interface Sink {
        void quality(String model, String domain, double score);

        void loglikPerByte(String model, String domain, double perByte);

        /** The item's results on every candidate model that answered. */
        void probed(EvalItem item, Map<String, ProbeLog.Result> byModel);

        /**
         * One probe request's score by the item's metric, with the reference's log-likelihood per byte where the
         * metric measures it (the decision log's outcome of that request).
         */
        void scored(String requestId, EvalItem item, double score, OptionalDouble referenceLoglikPerByte);
    }

    private final Map<String, List<EvalItem>> itemsByDomain = new LinkedHashMap<>();
    private final List<String> domains;
    private final ModelCatalog catalog;
    private final Sink sink;
    private final RandomGenerator random;
    private final GoldilocksGrpc.GoldilocksBlockingStub gateway;
    private final ScheduledExecutorService scheduler;
    private int nextDomain;

    public ProbeRunner(List<EvalItem> items, ModelCatalog catalog, Sink sink, Channel gateway,
                       String apiKey, RandomGenerator random) {
        items.forEach(i -> itemsByDomain.computeIfAbsent(i.domain(), d -> new ArrayList<>()).add(i));
        this.domains = List.copyOf(itemsByDomain.keySet());
        this.catalog = catalog;
        this.sink = sink;
        this.random = random;
        this.gateway = Traffic.PROBE.client(gateway, apiKey);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "probes");
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends one item every 1/rate seconds (rounded to milliseconds). */
    public void start(double itemsPerSecond) {
        long periodMillis = Math.max(1, Math.round(1000 / itemsPerSecond));
        scheduler.scheduleWithFixedDelay(this::probeOnce, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** One item, on every candidate model of its domain; domains take turns. */
    public void probeOnce() {
        try {
            String domain = domains.get(nextDomain++ % domains.size());
            List<EvalItem> items = itemsByDomain.get(domain);
            EvalItem item = items.get(random.nextInt(items.size()));
            Map<String, ProbeLog.Result> results = new LinkedHashMap<>();
            for (CandidateModel model : candidates(domain)) {
                ProbeLog.Result r = probe(item, model.name());
                if (r != null) {
                    results.put(model.name(), r);
                }
            }
            if (!results.isEmpty()) {
                sink.probed(item, results);
            }
        } catch (RuntimeException e) {
            LOG.warn("probe failed: {}", e.toString()); // never let one failure stop the schedule
        }
    }

    private List<CandidateModel> candidates(String domain) {
        return catalog.specialist(domain).map(s -> List.of(catalog.generic(), s)).orElse(List.of(catalog.generic()));
    }

    /** The model's result on the item, or null when it did not answer. */
    private ProbeLog.Result probe(EvalItem item, String model) {
        try {
            GenerateResponse r = gateway.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .generate(GenerateRequest.newBuilder().setPrompt(item.prompt()).setModel(model)
                            .setDomainHint(item.domain())
                            .setParams(GenerationParams.newBuilder().setMaxNewTokens(item.maxNewTokens())
                                    .setLogprobs(true)).build());
            double score = item.score(r.getText());
            sink.quality(model, item.domain(), score);
            OptionalDouble perByte = OptionalDouble.empty();
            if (!EvalItem.EXACT_MATCH.equals(item.metric())) {
                double logprob = gateway.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .score(ScoreRequest.newBuilder().setPrompt(item.prompt()).setContinuation(item.reference())
                                .setModel(model).setDomainHint(item.domain()).build()).getLogprob();
                perByte = OptionalDouble.of(logprob / item.reference().getBytes(StandardCharsets.UTF_8).length);
                sink.loglikPerByte(model, item.domain(), perByte.getAsDouble());
            }
            sink.scored(r.getRequestId(), item, score, perByte);
            double meanLogprob = r.getTokensList().stream().mapToDouble(t -> t.getLogprob()).average().orElse(Double.NaN);
            return new ProbeLog.Result(score, r.getUsage().getCostUsd(), meanLogprob, r.getTokensCount());
        } catch (StatusRuntimeException e) {
            // shed as low priority, or the model is down: the next probe tries again
            LOG.debug("probe of {} on {}: {}", item.id(), model, e.getStatus());
            return null;
        }
    }

    @Override
    /** Stops, and waits a little for a run in progress: it may be classifying or logging, which close next. */
    public void close() {
        scheduler.shutdownNow(); // interrupts: a blocking gRPC call in progress ends at once
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
