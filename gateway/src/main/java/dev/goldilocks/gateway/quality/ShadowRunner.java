package dev.goldilocks.gateway.quality;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.router.ModelCatalog;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow traffic: a sampled share of live requests, after their answer has gone to the client, is also
 * run on the alternative model (a specialist's request on the generic model and the other way round),
 * through the gateway's own API as low-priority traffic and under its own bulkhead, so it never slows a
 * client. A judge (the generic model's log-likelihood per byte of each answer given the prompt, via
 * Score) compares the two answers: a win, a loss or a tie, and the score delta.
 */
public final class ShadowRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRunner.class);
    private static final long DEADLINE_SECONDS = 60;
    /** Judge scores closer than this (nats per byte) are a tie. */
    public static final double TIE = 0.02;

    /** Where comparisons go. */
    public interface Sink {
        /**
         * @param requestId the shadowed client request
         * @param delta     judge score of {@code served} minus that of {@code alternative}
         */
        void compared(String requestId, String domain, String served, String alternative, double delta);

        /** A shadow run dropped because the shadow bulkhead was full or the gateway busy. */
        void shed(String domain);
    }

    private final ModelCatalog catalog;
    private final double share;
    private final Sink sink;
    private final RandomGenerator random;
    private final GoldilocksGrpc.GoldilocksBlockingStub gateway;
    private final ThreadPoolExecutor bulkhead;

    /** @param maxConcurrent shadow runs at once; one more waits; beyond that they are dropped */
    public ShadowRunner(ModelCatalog catalog, double share, int maxConcurrent, Sink sink, Channel gateway,
                       String apiKey, RandomGenerator random) {
        this.catalog = catalog;
        this.share = share;
        this.sink = sink;
        this.random = random;
        this.gateway = Traffic.SHADOW.client(gateway, apiKey);
        this.bulkhead = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxConcurrent), r -> {
                    Thread t = new Thread(r, "shadow");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Called after a client's answer was sent; samples it and queues the shadow run without waiting.
     */
    public void offer(GenerateRequest request, GenerateResponse served) {
        if (share <= 0 || random.nextDouble() >= share) {
            return;
        }
        String domain = served.getRoute().getDomain();
        Optional<String> alternative = alternative(served.getRoute().getModel(), domain);
        if (alternative.isEmpty()) {
            return;
        }
        try {
            bulkhead.execute(() -> shadow(request, served, alternative.get()));
        } catch (RejectedExecutionException e) {
            sink.shed(domain);
        }
    }

    private Optional<String> alternative(String model, String domain) {
        String generic = catalog.generic().name();
        return model.equals(generic) ? catalog.specialist(domain).map(s -> s.name()) : Optional.of(generic);
    }

    private void shadow(GenerateRequest request, GenerateResponse served, String alternative) {
        String domain = served.getRoute().getDomain();
        try {
            GenerationParams params = request.getParams().toBuilder().clearSeed().clearTemperature().build();
            GenerateResponse other = gateway.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).generate(
                    GenerateRequest.newBuilder().setPrompt(request.getPrompt()).setModel(alternative)
                            .setDomainHint(domain).setParams(params).build());
            double delta = judge(request.getPrompt(), served.getText(), domain)
                    - judge(request.getPrompt(), other.getText(), domain);
            sink.compared(served.getRequestId(), domain, served.getRoute().getModel(), alternative, delta);
        } catch (StatusRuntimeException e) {
            LOG.debug("shadow run on {}: {}", alternative, e.getStatus());
            sink.shed(domain);
        }
    }

    /** The generic model's log-likelihood per byte of an answer given the prompt; an empty answer scores worst. */
    private double judge(String prompt, String answer, String domain) {
        if (answer.isEmpty()) {
            return Double.NEGATIVE_INFINITY;
        }
        double logprob = gateway.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).score(ScoreRequest.newBuilder()
                .setPrompt(prompt).setContinuation(answer).setModel(catalog.generic().name()).setDomainHint(domain)
                .build()).getLogprob();
        return logprob / answer.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    /** Stops, and waits a little for a run in progress: it may be classifying or logging, which close next. */
    public void close() {
        bulkhead.shutdownNow(); // interrupts: a blocking gRPC call in progress ends at once
        try {
            bulkhead.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
