package dev.goldilocks.worker.service;

import dev.goldilocks.common.metrics.MeterCache;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The worker's Prometheus metrics, in the vocabulary of Triton and vLLM: requests by outcome, queue and
 * compute time, batch size, time to first token, time per output token, tokens, sequences in flight and queue length,
 * per model. Labels are bounded: model (configured names only), rpc and outcome. The meters recorded for every
 * request, step or token are looked up by their labels once ({@link MeterCache}).
 */
public final class WorkerMetrics {

    private final MeterRegistry registry;
    private final MeterCache<Ended, Counter> requests;
    private final MeterCache<String, Timer> queues;
    private final MeterCache<String, GenerationMeters> generations;
    private final MeterCache<ModelRpc, RpcMeters> rpcs;

    private record Ended(String model, String rpc, Status.Code code) {
    }

    private record ModelRpc(String model, String rpc) {
    }

    /** A generative model's token counts and latencies. */
    private record GenerationMeters(Counter promptTokens, Counter generatedTokens, Timer firstToken,
                                    Timer perOutputToken) {
    }

    private record RpcMeters(DistributionSummary batchSize, Timer compute) {
    }

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.requests = new MeterCache<>(k -> Counter.builder("goldilocks.worker.requests")
                .description("Requests by final status")
                .tags("model", k.model(), "rpc", k.rpc(), "outcome", k.code().name().toLowerCase(Locale.ROOT))
                .register(registry));
        this.queues = new MeterCache<>(model -> timer("goldilocks.worker.queue", "Time waiting in the model's queue",
                model));
        this.generations = new MeterCache<>(model -> new GenerationMeters(
                Counter.builder("goldilocks.worker.prompt.tokens").description("Prompt tokens processed")
                        .tag("model", model).register(registry),
                Counter.builder("goldilocks.worker.generated.tokens").description("Tokens generated")
                        .tag("model", model).register(registry),
                timer("goldilocks.worker.time.to.first.token", "From receipt to the first generated token", model),
                timer("goldilocks.worker.time.per.output.token", "Mean time between generated tokens", model)));
        this.rpcs = new MeterCache<>(k -> new RpcMeters(
                DistributionSummary.builder("goldilocks.worker.batch.size")
                        .description("Requests run together in one batch").tags("model", k.model(), "rpc", k.rpc())
                        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry),
                Timer.builder("goldilocks.worker.compute").description("Time running the model")
                        .tags("model", k.model(), "rpc", k.rpc()).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                        .register(registry)));
    }

    /** Gauges that read the model's live queue. */
    public void watch(HostedModel model) {
        String name = model.config().name();
        Gauge.builder("goldilocks.worker.queue.length", model, HostedModel::queueLength)
                .description("Requests waiting for the model").tag("model", name).register(registry);
        Gauge.builder("goldilocks.worker.sequences.in.flight", model, HostedModel::inFlight)
                .description("Requests computing on the model").tag("model", name).register(registry);
        Gauge.builder("goldilocks.worker.sequences.paused", model, HostedModel::paused)
                .description("Sequences sitting out decoding steps because their client is not reading")
                .tag("model", name).register(registry);
        // an info series, as Triton and vLLM publish: the device the model really runs on (cpu where its
        // configured GPU is missing), its kind and role, so dashboards and rules need not guess from names
        Gauge.builder("goldilocks.worker.model.info", () -> 1)
                .description("One series per hosted model naming its device, kind and role; the value is 1")
                .tags("model", name, "device", model.device(), "kind", model.config().kind(),
                        "role", model.config().info().role().isEmpty() ? "none" : model.config().info().role())
                .register(registry);
    }

    /** Every request ends here exactly once, with its gRPC status. */
    void ended(String model, String rpc, Status.Code code) {
        requests.get(new Ended(model, rpc, code)).increment();
    }

    void queued(String model, long nanos) {
        queues.get(model).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Requests that ran together in one model call. */
    public void batched(String model, String rpc, int size) {
        rpcs.get(new ModelRpc(model, rpc)).batchSize().record(size);
    }

    void computed(String model, String rpc, long nanos) {
        rpcs.get(new ModelRpc(model, rpc)).compute().record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A sequence's prompt ran (whether or not its generation then finishes). */
    void promptProcessed(String model, int promptTokens) {
        generations.get(model).promptTokens().increment(promptTokens);
    }

    /**
     * Tokens generated, counted as they are produced: those of sequences that are cancelled or whose deadline
     * passes count too, since the device computed them.
     */
    void tokensGenerated(String model, int tokens) {
        generations.get(model).generatedTokens().increment(tokens);
    }

    /** Latencies of a generation that finished. */
    void generationTimed(String model, int generatedTokens, long firstTokenNanos, long decodeNanos) {
        GenerationMeters meters = generations.get(model);
        meters.firstToken().record(firstTokenNanos, TimeUnit.NANOSECONDS);
        if (generatedTokens > 1) {
            meters.perOutputToken().record(decodeNanos / (generatedTokens - 1), TimeUnit.NANOSECONDS);
        }
    }

    private Timer timer(String name, String description, String model) {
        return Timer.builder(name).description(description).tag("model", model).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }
}
