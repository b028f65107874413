package dev.goldilocks.gateway.service;

import dev.goldilocks.common.metrics.MeterCache;
import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.proto.v1.Timing;
import dev.goldilocks.router.DomainPrediction;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Prometheus metrics: requests by outcome, latency per stage, cost and tokens, quality per
 * source, each by model, domain, policy and arm. Labels are bounded: configured models, configured
 * domains, policy names and arm names, never a prompt or a user id. The meters recorded for every request
 * are looked up by their labels once ({@link MeterCache}).
 */
public final class GatewayMetrics {

    private static final String NONE = "none";
    private static final double[] CONFIDENCE_BUCKETS = {30, 40, 50, 60, 70, 80, 90, 95, 99, 100};
    private final MeterRegistry registry;
    private final MeterCache<Ended, Counter> requests;
    private final MeterCache<Timed, RequestTimers> timers;
    private final MeterCache<Costed, Counter> costs;
    private final MeterCache<ModelDomain, ModelCounters> models;

    /** The labels of a request's final count. */
    private record Ended(Traffic traffic, String rpc, String model, String domain, String policy, String arm,
                         Status.Code code, boolean fallback) {
    }

    /** The labels of a request's latencies. */
    private record Timed(Traffic traffic, String rpc, String model, String domain, String policy) {
    }

    private record Costed(Traffic traffic, String domain, String policy, String arm) {
    }

    private record ModelDomain(String model, String domain) {
    }

    /** End to end, to the first token (generation only: null for Score), and per stage. */
    private record RequestTimers(Timer request, Timer firstToken, Timer route, Timer queue, Timer compute) {
    }

    private record ModelCounters(Counter cost, Counter promptTokens, Counter completionTokens) {
    }

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.requests = new MeterCache<>(k -> Counter.builder("goldilocks.requests").description("Requests by final status")
                .tags(routeTags(k.model(), k.domain(), k.policy(), k.arm()))
                .tags("rpc", k.rpc(), "outcome", k.code().name().toLowerCase(Locale.ROOT),
                        "fallback", Boolean.toString(k.fallback()), "traffic", k.traffic().label())
                .register(registry));
        this.timers = new MeterCache<>(this::requestTimers);
        this.costs = new MeterCache<>(k -> Counter.builder("goldilocks.request.cost.usd")
                .description("Cost of requests, by the policy and arm that routed them")
                .tags("domain", label(k.domain()), "policy", label(k.policy()), "arm", label(k.arm()),
                        "traffic", k.traffic().label())
                .register(registry));
        this.models = new MeterCache<>(k -> {
            Tags tags = Tags.of("model", k.model(), "domain", label(k.domain()));
            return new ModelCounters(
                    Counter.builder("goldilocks.model.cost.usd").description("Cost incurred per model").tags(tags)
                            .register(registry),
                    Counter.builder("goldilocks.model.tokens").description("Tokens per model").tags(tags)
                            .tag("kind", "prompt").register(registry),
                    Counter.builder("goldilocks.model.tokens").description("Tokens per model").tags(tags)
                            .tag("kind", "completion").register(registry));
        });
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A request ended with {@code code}; {@code route} is empty when it failed before routing. */
    void requestEnded(Traffic traffic, String rpc, Route route, Status.Code code) {
        requests.get(new Ended(traffic, rpc, route.getModel(), route.getDomain(), route.getPolicy(), route.getArm(),
                code, route.getFallback())).increment();
    }

    /**
     * What the classifier made of a client's prompt: domains, confidence per domain and tier, and whether the
     * prompt fit its domain well. Ops read drift from it (traffic moving away from what the router knows).
     * The confidence is recorded in percent because Micrometer rounds a summary's values up to whole numbers
     * before it fills histogram buckets (micrometer#3680): a ratio would land in the top bucket every time.
     */
    void classified(DomainPrediction p) {
        Tags tags = Tags.of("domain", label(p.domain()), "tier", p.tier());
        DistributionSummary.builder("goldilocks.classifier.confidence")
                .description("The classifier's confidence in the domain of client prompts").baseUnit("percent")
                .tags(tags).scale(100).serviceLevelObjectives(CONFIDENCE_BUCKETS).register(registry).record(p.confidence());
        Counter.builder("goldilocks.classifier.predictions")
                .description("Client prompts classified; outcome uncertain: the prompt fits no domain well")
                .tags(tags).tag("outcome", p.uncertain() ? "uncertain" : "confident").register(registry).increment();
    }

    void requestTimed(Traffic traffic, String rpc, Route route, Timing t) {
        RequestTimers timed = timers.get(new Timed(traffic, rpc, route.getModel(), route.getDomain(), route.getPolicy()));
        timed.request().record(seconds(t.getTotalSeconds()));
        if (timed.firstToken() != null) {
            timed.firstToken().record(seconds(t.getTimeToFirstTokenSeconds()));
        }
        timed.route().record(seconds(t.getRouteSeconds()));
        timed.queue().record(seconds(t.getQueueSeconds()));
        timed.compute().record(seconds(t.getComputeSeconds()));
    }

    private RequestTimers requestTimers(Timed k) {
        Tags tags = Tags.of("model", label(k.model()), "domain", label(k.domain()), "policy", label(k.policy()),
                "traffic", k.traffic().label());
        Tags model = Tags.of("model", label(k.model()));
        return new RequestTimers(
                timer("goldilocks.request", "End-to-end latency at the gateway", tags.and("rpc", k.rpc())),
                k.rpc().startsWith("generate")
                        ? timer("goldilocks.time.to.first.token", "From receipt to the first token", tags) : null,
                timer("goldilocks.stage", "Latency per stage", model.and("stage", "route")),
                timer("goldilocks.stage", "Latency per stage", model.and("stage", "queue")),
                timer("goldilocks.stage", "Latency per stage", model.and("stage", "compute")));
    }

    void requestCost(Traffic traffic, Route route, double usd) {
        costs.get(new Costed(traffic, route.getDomain(), route.getPolicy(), route.getArm())).increment(usd);
    }

    /** One model call (a cascade or a fallback makes two per request). */
    void modelCall(String model, String domain, double usd, int promptTokens, int completionTokens) {
        ModelCounters counters = models.get(new ModelDomain(model, domain));
        counters.cost().increment(usd);
        counters.promptTokens().increment(promptTokens);
        counters.completionTokens().increment(completionTokens);
    }

    /**
     * A shadow comparison: {@code win} is 1 when the served answer won, 0 when it lost, 0.5 for a tie;
     * {@code delta} is the judge's score difference (served minus alternative).
     */
    public void shadowComparison(String domain, String served, String alternative, double win, double delta) {
        String outcome = win == 1 ? "win" : win == 0 ? "loss" : "tie";
        Counter.builder("goldilocks.shadow.comparisons").description("Served answer against the alternative model's")
                .tags("domain", label(domain), "served", served, "alternative", alternative, "outcome", outcome)
                .register(registry).increment();
        if (Double.isFinite(delta)) {
            DistributionSummary.builder("goldilocks.shadow.judge.delta")
                    .description("Judge score of the served answer minus the alternative's (nats per byte)")
                    .tags("domain", label(domain), "served", served, "alternative", alternative)
                    .register(registry).record(delta);
        }
    }

    public void shadowShed(String domain) {
        Counter.builder("goldilocks.shadow.shed").description("Shadow runs dropped: bulkhead full or gateway busy")
                .tag("domain", label(domain)).register(registry).increment();
    }

    /** A probe's log-likelihood per byte of the reference continuation (natural log; higher is better). */
    public void probeLoglik(String model, String domain, double perByte) {
        DistributionSummary.builder("goldilocks.probe.loglik.per.byte")
                .description("Reference log-likelihood per byte under the model, from probes")
                .tags("model", model, "domain", label(domain)).register(registry).record(perByte);
    }

    /** A quality observation in [0, 1] from {@code source} (feedback, probe, shadow); sum and count add up across replicas. */
    void quality(String source, String model, String domain, String policy, String arm, double score) {
        DistributionSummary.builder("goldilocks.quality.score").description("Quality observations in [0, 1]")
                .tags("source", source, "model", model, "domain", label(domain), "policy", label(policy), "arm", label(arm))
                .register(registry).record(score);
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    private static Tags routeTags(String model, String domain, String policy, String arm) {
        return Tags.of("model", label(model), "domain", label(domain), "policy", label(policy), "arm", label(arm));
    }

    private static String label(String value) {
        return value.isEmpty() ? NONE : value;
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * TimeUnit.SECONDS.toNanos(1)));
    }
}
