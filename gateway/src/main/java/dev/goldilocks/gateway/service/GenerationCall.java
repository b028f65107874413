package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.dispatch.Dispatcher;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Timing;
import dev.goldilocks.proto.v1.Token;
import dev.goldilocks.proto.v1.Usage;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerTiming;
import dev.goldilocks.router.RouteDecision;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * One worker Generate stream, turned into deltas and a final response with route, usage and timing; a
 * streaming client's pacing (null for a unary client) decides when the worker's next message is read.
 */
final class GenerationCall implements StreamObserver<WorkerGenerateChunk>, Dispatcher.Delivery {

    private static final double NANOS = 1e9;

    private final String requestId;
    private final RouteDecision decision;
    private final ModelRoute model;
    private final long receivedNanos;
    private final long routedNanos;
    private final Outcomes outcomes;
    private final GenerationSink sink;
    private final ClientPacing pacing;
    private final StringBuilder text = new StringBuilder();
    private final List<Token> tokens = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private long firstTokenNanos;
    private WorkerGenerateChunk last;

    GenerationCall(String requestId, RouteDecision decision, ModelRoute model, long receivedNanos, long routedNanos,
                   Outcomes outcomes, GenerationSink sink, ClientPacing pacing) {
        this.outcomes = outcomes;
        this.pacing = pacing;
        this.requestId = requestId;
        this.decision = decision;
        this.model = model;
        this.receivedNanos = receivedNanos;
        this.routedNanos = routedNanos;
        this.sink = sink;
    }

    @Override
    public void onNext(WorkerGenerateChunk chunk) {
        if (chunk.getTokensCount() > 0 || !chunk.getText().isEmpty()) {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
            text.append(chunk.getText());
            tokens.addAll(chunk.getTokensList());
            sink.onDelta(chunk.getText(), chunk.getTokensList());
        }
        if (chunk.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
            last = chunk;
        }
    }

    /** Whether any of this call's text reached the client, not merely a sink that holds it back. */
    @Override
    public boolean delivered() {
        return sink.delivered();
    }

    /** A streaming client's readiness paces the worker; a unary client takes everything. */
    @Override
    public void whenReady(Runnable requestNext) {
        if (pacing != null) {
            pacing.whenReady(requestNext);
        } else {
            requestNext.run();
        }
    }

    @Override
    public boolean heldBack() {
        return pacing != null && pacing.heldBack();
    }

    @Override
    public void reset() {
        text.setLength(0);
        tokens.clear();
        firstTokenNanos = 0;
        last = null;
    }

    @Override
    public void onError(Throwable t) {
        sink.onError(WorkerErrors.toClient(t, model.name()));
    }

    @Override
    public void onCompleted() {
        if (last == null) {
            sink.onError(Failures.of(ErrorReason.MODEL_FAILED, "model " + model.name()
                    + ": the worker ended its stream without a final chunk").model(model.name()).build());
            return;
        }
        long done = System.nanoTime();
        WorkerTiming worker = last.getTiming();
        double cost = model.price().cost(last.getPromptTokens(), last.getCompletionTokens(), worker);
        outcomes.modelCall(model.name(), decision.domain(), (done - startedNanos) / NANOS, cost,
                last.getPromptTokens(), last.getCompletionTokens());
        sink.onDone(GenerateResponse.newBuilder()
                .setRequestId(requestId)
                .setText(text.toString())
                .setFinishReason(last.getFinishReason())
                .setRoute(Routes.of(decision))
                .setUsage(Usage.newBuilder()
                        .setPromptTokens(last.getPromptTokens())
                        .setCompletionTokens(last.getCompletionTokens())
                        .setCostUsd(cost))
                .setTiming(Timing.newBuilder()
                        .setRouteSeconds((routedNanos - receivedNanos) / NANOS)
                        .setQueueSeconds(worker.getQueueSeconds())
                        .setComputeSeconds(worker.getComputeSeconds())
                        .setTimeToFirstTokenSeconds(((firstTokenNanos == 0 ? done : firstTokenNanos) - receivedNanos) / NANOS)
                        .setTotalSeconds((done - receivedNanos) / NANOS))
                .addAllTokens(tokens)
                .build());
    }
}
