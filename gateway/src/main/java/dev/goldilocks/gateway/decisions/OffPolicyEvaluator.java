package dev.goldilocks.gateway.decisions;

import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.DomainEvaluation;
import dev.goldilocks.proto.v1.Estimate;
import dev.goldilocks.proto.v1.EvaluateRequest;
import dev.goldilocks.proto.v1.EvaluateResponse;
import dev.goldilocks.proto.v1.MetricEvaluation;
import dev.goldilocks.router.CascadePolicy;
import dev.goldilocks.router.DomainPrediction;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.router.Router;
import dev.goldilocks.stats.ope.LoggedDecision;
import dev.goldilocks.stats.ope.OffPolicyEstimate;
import dev.goldilocks.stats.ope.OffPolicyEvaluation;
import dev.goldilocks.store.Decision;
import dev.goldilocks.store.DecisionHistory;
import dev.goldilocks.store.EvaluationQuery;
import dev.goldilocks.store.SettingsHash;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Scores a routing policy on the decision log: for each logged decision a policy made (pinned requests are not a
 * policy's draws and are left out) and that was answered, the target's probability of each candidate comes from
 * {@link Router#distribution} with the logged prediction (domain, confidence, every domain's score), exactly as
 * the router would have decided; the logged action distribution is the logging policy's. Per domain, for quality
 * (the probe's score, else the client's feedback, on the decisions that have one), cost and latency per request,
 * IPS, SNIPS and doubly robust estimates (direct model: the log's mean of the metric per model in the domain)
 * with their intervals and effective sample sizes, beside the logging policies' own mean, and the support check.
 */
public final class OffPolicyEvaluator {

    static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    static final double DEFAULT_LEVEL = 0.95;
    static final String QUALITY = "quality";
    static final String COST = "cost_usd";
    static final String LATENCY = "latency_seconds";
    /**
     * Below this effective sample size a central-limit interval is not to be trusted (a rare outcome seen zero
     * times among the few heavily weighted records gives an interval far too narrow), and the answer says so.
     */
    static final double MIN_EFFECTIVE_SAMPLE = 30;

    private final Map<String, PolicySpec> configured;
    private final Function<PolicySpec, Router> routerFor;

    /**
     * @param configured the router's policies with their configured settings
     * @param routerFor  a router that runs only the given policy, built as the gateway builds its own
     */
    public OffPolicyEvaluator(Map<String, PolicySpec> configured, Function<PolicySpec, Router> routerFor) {
        this.configured = Map.copyOf(configured);
        this.routerFor = routerFor;
    }

    /** What one logged decision contributes: the distributions and the three outcomes (quality NaN when none). */
    private record Row(String domain, String policy, String action, Map<String, Double> logging, Map<String, Double> target,
                       double quality, double cost, double latency) {
    }

    /**
     * Evaluates the request's target on the log up to {@code now}.
     *
     * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming the field for a bad policy, setting, window,
     *                                        domain or level
     */
    public EvaluateResponse evaluate(EvaluateRequest request, DecisionHistory history, Instant now) {
        PolicySpec target = target(request);
        double level = request.getLevel() == 0 ? DEFAULT_LEVEL : request.getLevel();
        if (!(level > 0 && level < 1)) {
            throw Failures.invalidField("level", "must be between 0 and 1 (exclusive), got " + request.getLevel());
        }
        if (request.getSinceSeconds() < 0) {
            throw Failures.invalidField("since_seconds", "must not be negative, got " + request.getSinceSeconds());
        }
        Router router = routerFor.apply(target);
        if (!request.getDomain().isEmpty() && !router.catalog().domains().contains(request.getDomain())) {
            throw Failures.invalidField("domain", "unknown domain '" + Failures.echo(request.getDomain())
                    + "'; known: " + router.catalog().domains());
        }
        Duration window = request.getSinceSeconds() == 0 ? DEFAULT_WINDOW : Duration.ofSeconds(request.getSinceSeconds());
        Instant since = now.minus(window);
        EvaluationQuery query = EvaluationQuery.between(since, now);
        if (!request.getDomain().isEmpty()) {
            query = query.domain(request.getDomain());
        }
        Map<String, List<Row>> byDomain = new TreeMap<>();
        long[] read = new long[3]; // read, pinned, failed
        history.scan(query, logged -> {
            Decision d = logged.decision();
            read[0]++;
            if (d.assignment().policy().equals(Router.PINNED)) {
                read[1]++;
                return;
            }
            if (!d.serving().status().equals("OK")) {
                read[2]++;
                return;
            }
            double quality = logged.probe().map(p -> p.score())
                    .or(() -> logged.feedback().map(f -> f.score())).orElse(Double.NaN);
            byDomain.computeIfAbsent(d.classification().domain(), k -> new ArrayList<>()).add(new Row(
                    d.classification().domain(), d.assignment().policy(), d.action().chosenModel(), d.action().distribution(),
                    router.distribution(target.name(), prediction(router, d.classification())).asMap(), quality,
                    d.usage().costUsd(), d.timing().totalSeconds()));
        });
        EvaluateResponse.Builder out = EvaluateResponse.newBuilder().setPolicy(target.name())
                .putAllSettings(target.settings()).setSettingsHash(SettingsHash.of(target.settings()))
                .setSinceMillis(since.toEpochMilli()).setUntilMillis(now.toEpochMilli()).setLevel(level)
                .setRecordsRead(read[0]).setRecordsPinned(read[1]).setRecordsFailed(read[2]);
        byDomain.forEach((domain, rows) -> out.addDomains(domain(domain, rows, level)));
        return out.build();
    }

    private PolicySpec target(EvaluateRequest request) {
        if (request.getPolicy().isEmpty()) {
            throw Failures.invalidField("policy", "is required: one of " + configured.keySet());
        }
        PolicySpec spec = configured.get(request.getPolicy());
        if (spec == null) {
            throw Failures.invalidField("policy", "unknown policy '" + Failures.echo(request.getPolicy()) + "'; known: "
                    + new TreeSet<>(configured.keySet()));
        }
        if (spec.name().equals(CascadePolicy.NAME)) {
            throw Failures.invalidField("policy", "a cascade cannot be evaluated from a log: whether it escalates"
                    + " depends on the first answer's log-probabilities, which the log does not hold");
        }
        try {
            return spec.with(request.getSettingsMap());
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(':');
            throw Failures.invalidField(colon > 0 ? message.substring(0, colon) : "settings",
                    colon > 0 ? message.substring(colon + 1).strip() : message);
        }
    }

    /** The prediction the router made for a logged decision, from its logged domain, confidence and scores. */
    static DomainPrediction prediction(Router router, Decision.Classification c) {
        return router.logged(c.domain(), c.confidence(), c.scores());
    }

    private static DomainEvaluation domain(String domain, List<Row> rows, double level) {
        Map<String, Long> loggingPolicies = new TreeMap<>();
        rows.forEach(r -> loggingPolicies.merge(r.policy(), 1L, Long::sum));
        DomainEvaluation.Builder out = DomainEvaluation.newBuilder().setDomain(domain).setRecords(rows.size());
        Set<String> gaps = new LinkedHashSet<>();
        Set<String> warnings = new LinkedHashSet<>();
        boolean supported = true;
        List<Row> withQuality = rows.stream().filter(r -> !Double.isNaN(r.quality())).toList();
        Map<String, ToDoubleFunction<Row>> metrics = new LinkedHashMap<>();
        metrics.put(QUALITY, Row::quality);
        metrics.put(COST, Row::cost);
        metrics.put(LATENCY, Row::latency);
        for (Map.Entry<String, ToDoubleFunction<Row>> metric : metrics.entrySet()) {
            List<Row> scored = metric.getKey().equals(QUALITY) ? withQuality : rows;
            if (scored.isEmpty()) {
                gaps.add("No decision in '" + domain + "' has a " + metric.getKey() + " outcome (a probe score or the"
                        + " client's feedback), so it cannot be estimated.");
                continue;
            }
            OffPolicyEvaluation evaluation = OffPolicyEvaluation.of(logged(scored, metric.getValue()), level);
            supported &= evaluation.supported();
            evaluation.gaps().forEach(g -> gaps.add(g.sentence()));
            MetricEvaluation.Builder m = MetricEvaluation.newBuilder().setMetric(metric.getKey())
                    .setLogged(estimate(evaluation.logged()));
            evaluation.estimates().forEach(e -> m.addEstimates(estimate(e)));
            out.addMetrics(m);
            double ess = evaluation.estimates().get(0).effectiveSampleSize();
            if (ess < MIN_EFFECTIVE_SAMPLE) {
                warnings.add(String.format(Locale.ROOT, "The %s estimates rest on an effective sample of %.1f requests"
                        + " (of %d logged in '%s'): their intervals are unreliable below %.0f and may be far too"
                        + " narrow. Log more traffic, or explore more (routing.exploration_floor).", metric.getKey(),
                        ess, scored.size(), domain, MIN_EFFECTIVE_SAMPLE));
            }
        }
        return out.putAllLoggingPolicies(loggingPolicies).setSupported(supported).addAllSupportGaps(gaps)
                .addAllWarnings(warnings).build();
    }

    /**
     * The rows as the estimators take them, with the direct model: the mean of the metric over the rows where
     * each model was chosen, or over all rows for a model never chosen here.
     */
    private static List<LoggedDecision> logged(List<Row> rows, ToDoubleFunction<Row> metric) {
        Map<String, double[]> sums = new HashMap<>();
        double total = 0;
        for (Row r : rows) {
            double[] s = sums.computeIfAbsent(r.action(), k -> new double[2]);
            s[0] += metric.applyAsDouble(r);
            s[1]++;
            total += metric.applyAsDouble(r);
        }
        double overall = total / rows.size();
        List<LoggedDecision> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Map<String, Double> predicted = new HashMap<>();
            for (String model : union(r.logging().keySet(), r.target().keySet())) {
                double[] s = sums.get(model);
                predicted.put(model, s == null ? overall : s[0] / s[1]);
            }
            out.add(new LoggedDecision(r.domain(), r.action(), r.logging(), metric.applyAsDouble(r), r.target(),
                    predicted));
        }
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Estimate estimate(OffPolicyEstimate e) {
        return Estimate.newBuilder().setEstimator(e.estimator()).setValue(e.value()).setLow(e.interval().lower())
                .setHigh(e.interval().upper()).setEffectiveSampleSize(e.effectiveSampleSize()).setRecords(e.records())
                .build();
    }
}
