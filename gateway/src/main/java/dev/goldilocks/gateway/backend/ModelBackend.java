package dev.goldilocks.gateway.backend;

import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerScoreRequest;
import dev.goldilocks.proto.v1.WorkerScoreResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A model endpoint the gateway can call: one of our gRPC workers ({@link WorkerBackend}) or an
 * OpenAI-compatible HTTP server ({@link OpenAiBackend}: vLLM, TGI, llama.cpp, a hosted API). Dispatch,
 * breakers, failover, fallback, cost and logging sit above it and never know which one answers: both speak
 * the worker protocol's messages, and every failure comes with the {@link FailureKind} that tells dispatch
 * what it says about the endpoint.
 *
 * <p>A call belongs to its {@link CallScope}: the caller's cancellation cancels it, and it ends at the
 * scope's deadline. Each call ends with exactly one {@code onCompleted} or {@code onError}.
 */
public interface ModelBackend {

    /** Where it is, as logs and messages name it: host:port, or a base URL. */
    String address();

    /**
     * Starts a generation. Its stream begins with one message requested; each further one is asked for with
     * the {@link Demand} that {@link BackendObserver#onStart} receives, so a slow client slows its own
     * generation. The last message carries the finish reason, the token counts and the timing.
     */
    void generate(WorkerGenerateRequest request, CallScope scope, BackendObserver<WorkerGenerateChunk> out);

    /**
     * The log-likelihood of a continuation. A backend that returns no log-probabilities of a prompt ends the
     * call UNIMPLEMENTED with reason SCORE_UNSUPPORTED naming the model.
     */
    void score(WorkerScoreRequest request, CallScope scope, BackendObserver<WorkerScoreResponse> out);

    /**
     * The state and load of the models it serves, as the pools poll it (ready, context, queued and running
     * requests); fails when no answer came within {@code timeout}. Never blocks.
     */
    CompletableFuture<StatusResponse> status(Duration timeout);

    /** False while its connection is failing (refused, reset): calls should go elsewhere until a poll answers. */
    boolean reachable();

    /** Stops taking new calls; calls in flight may finish. */
    void shutdown();

    /** Waits a little for calls in flight after {@link #shutdown()}, then ends them. */
    void close();
}
