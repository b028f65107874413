package dev.goldilocks.gateway.decisions;

import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import dev.goldilocks.router.DomainPrediction;
import dev.goldilocks.router.RouteDecision;
import dev.goldilocks.store.Decision;
import dev.goldilocks.store.TrafficClass;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one generation request leaves in the decision log: its routing decision, the request id its client
 * got, and how it ended, written as one row once it has ended. A request refused before it was routed
 * (validation, keys, overload at the door) made no decision and leaves no row. The row is built after the
 * client's answer has been sent and handed to the log's queue, which never blocks.
 */
public final class DecisionTrace {

    private static final double NANOS = 1e9;
    /** The trace of every request when there is no decision log: it keeps and writes nothing. */
    static final DecisionTrace NONE = new DecisionTrace(null, TrafficClass.CLIENT, "", "", 0);

    private final DecisionRecorder recorder;
    private final TrafficClass traffic;
    private volatile String unitId;
    private volatile String experiment = "";
    private volatile String settingsHash = "";
    private final String prompt;
    private final long receivedNanos;
    private final AtomicBoolean written = new AtomicBoolean();
    private volatile Instant decidedAt;
    private volatile DomainPrediction prediction;
    private volatile RouteDecision decision;
    private volatile String requestId;
    private volatile Route lastRoute = Route.getDefaultInstance();
    private volatile long firstTokenNanos;

    /** @param prompt the prompt when the log keeps text, otherwise "" */
    DecisionTrace(DecisionRecorder recorder, TrafficClass traffic, String unitId, String prompt, long receivedNanos) {
        this.recorder = recorder;
        this.traffic = traffic;
        this.unitId = unitId;
        this.prompt = prompt;
        this.receivedNanos = receivedNanos;
    }

    /** The router's prediction and decision for the request. */
    public void routed(DomainPrediction p, RouteDecision d) {
        if (recorder == null) {
            return;
        }
        decidedAt = Instant.now();
        prediction = p;
        decision = d;
    }

    /**
     * The request is routed by an experiment: exposed to {@code name}'s arm (the decision names the arm), or, with
     * {@code name} empty, by the policy of a stopped experiment's shipped arm.
     *
     * @param unit            the unit it was assigned by, as the log hashes it ("" when randomised by itself)
     * @param armSettingsHash the hash of the arm's policy settings (they may differ from the configured ones)
     */
    public void experiment(String name, String unit, String armSettingsHash) {
        if (recorder == null) {
            return; // NONE is shared by every request of a gateway without a log: it keeps nothing
        }
        experiment = name;
        unitId = unit;
        settingsHash = armSettingsHash;
    }

    /** The signed id of the model call now running (a fallback or an escalation issues another). */
    public void requestId(String id) {
        requestId = id;
    }

    /** The route as the client will see it (a fallback changes it). */
    public void route(Route route) {
        lastRoute = route;
    }

    /** Text reached the client's sink; the first call marks the time to first token of a failed request. */
    public void delta() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    /** The request was answered: its row, from the response the client got. */
    public void answered(GenerateResponse r) {
        if (decision == null || !written.compareAndSet(false, true)) {
            return;
        }
        Route route = r.getRoute();
        boolean escalated = decision.escalation().isPresent() && !route.getFallback()
                && !route.getModel().equals(decision.model());
        String escalationReason = escalated && route.getReason().startsWith(decision.reason())
                ? route.getReason().substring(decision.reason().length()).replaceFirst("^;\\s*", "") : "";
        recorder.write(r.getRequestId(), decidedAt, traffic, unitId, experiment, settingsHash, prediction, decision,
                new Decision.Serving(route.getModel(), route.getFallback(), route.getFallbackReason(), escalated,
                        escalationReason, "OK"),
                new Decision.Timing(r.getTiming().getTotalSeconds(),
                        OptionalDouble.of(r.getTiming().getTimeToFirstTokenSeconds()),
                        OptionalDouble.of(r.getTiming().getQueueSeconds()),
                        OptionalDouble.of(r.getTiming().getComputeSeconds())),
                new Decision.Usage(r.getUsage().getPromptTokens(), r.getUsage().getCompletionTokens(),
                        r.getUsage().getCostUsd()),
                text(r.getText()));
    }

    /** The request ended with an error after it was routed: its row, without a model that answered. */
    public void failed(StatusRuntimeException error) {
        if (decision == null || requestId == null || !written.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        Route route = lastRoute;
        recorder.write(requestId, decidedAt, traffic, unitId, experiment, settingsHash, prediction, decision,
                new Decision.Serving("", route.getFallback(), route.getFallbackReason(), false, "",
                        error.getStatus().getCode().name()),
                new Decision.Timing((now - receivedNanos) / NANOS,
                        firstTokenNanos == 0 ? OptionalDouble.empty()
                                : OptionalDouble.of((firstTokenNanos - receivedNanos) / NANOS),
                        OptionalDouble.empty(), OptionalDouble.empty()),
                new Decision.Usage(0, 0, 0), text(""));
    }

    private Optional<Decision.Text> text(String answer) {
        return recorder.keepsText() ? Optional.of(new Decision.Text(prompt, answer)) : Optional.empty();
    }
}
