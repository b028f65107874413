package dev.goldilocks.loadtests.loadgen;

import com.google.rpc.ErrorInfo;
import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.Route;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One request in flight. Whatever ends it (its response, its error, or the load generator cancelling it at
 * the end of the run) makes exactly one {@link RequestRecord}; later events are ignored.
 */
final class InFlightCall {

    private final int index;
    private final Prompt prompt;
    private final long runStartNanos;
    private final long intendedNanos;
    private final long sendLagNanos;
    private final Consumer<RequestRecord> sink;
    private final BiConsumer<String, Double> scored;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ClientCallStreamObserver<GenerateRequest> call;
    private volatile boolean abandoned;
    private volatile long firstTokenNanos = -1;
    private volatile Route route;
    private volatile GenerateResponse response;

    /**
     * @param intendedNanos the System.nanoTime() at which the schedule meant it to be sent
     * @param sentNanos     when it was sent
     */
    InFlightCall(int index, Prompt prompt, long runStartNanos, long intendedNanos, long sentNanos,
                 Consumer<RequestRecord> sink, BiConsumer<String, Double> scored) {
        this.scored = scored;
        this.index = index;
        this.prompt = prompt;
        this.runStartNanos = runStartNanos;
        this.intendedNanos = intendedNanos;
        this.sendLagNanos = Math.max(0, sentNanos - intendedNanos);
        this.sink = sink;
    }

    /** The observer for GenerateStream: time to first token is the first chunk with text (or the last one). */
    ClientResponseObserver<GenerateRequest, GenerateChunk> streaming() {
        return new Observer<>() {
            @Override
            public void onNext(GenerateChunk chunk) {
                if (firstTokenNanos < 0 && (!chunk.getText().isEmpty() || chunk.hasFinal())) {
                    firstTokenNanos = System.nanoTime();
                }
                if (chunk.hasRoute()) {
                    route = chunk.getRoute();
                }
                if (chunk.hasFinal()) {
                    response = chunk.getFinal();
                }
            }

            @Override
            public void onCompleted() {
                succeeded(System.nanoTime(), true);
            }
        };
    }

    /** The observer for unary Generate. */
    ClientResponseObserver<GenerateRequest, GenerateResponse> unary() {
        return new Observer<>() {
            @Override
            public void onNext(GenerateResponse r) {
                response = r;
                route = r.getRoute();
            }

            @Override
            public void onCompleted() {
                succeeded(System.nanoTime(), false);
            }
        };
    }

    /** Cancels the call because the run is over; it is counted as CANCELLED {@value RequestRecord#OUTSTANDING_AT_END}. */
    void abandon() {
        abandoned = true;
        ClientCallStreamObserver<GenerateRequest> c = call;
        if (c != null) {
            c.cancel("load generator stopped: the call was still outstanding at the end of the run", null);
        }
    }

    /** Counts the call as outstanding at the end when nothing else ended it (no-op when something did). */
    void giveUp() {
        long first = firstTokenNanos;
        record(System.nanoTime(), Status.Code.CANCELLED.name(), RequestRecord.OUTSTANDING_AT_END,
                "still outstanding at the end of the run", first < 0 ? -1 : first - intendedNanos, -1, null,
                route == null ? "" : route.getModel());
    }

    private void succeeded(long end, boolean streamed) {
        GenerateResponse r = response;
        if (r == null) { // a well-behaved server never does this; count it rather than lose it
            record(end, "UNKNOWN", "NO_RESPONSE_MESSAGE", "the call completed without a response message", -1, -1, null,
                    route == null ? "" : route.getModel());
            return;
        }
        long e2e = end - intendedNanos;
        int tokens = r.getUsage().getCompletionTokens();
        long ttft;
        long tpot;
        if (streamed) {
            long first = firstTokenNanos;
            ttft = first < 0 ? -1 : first - intendedNanos;
            tpot = first >= 0 && tokens > 1 ? (end - first) / (tokens - 1) : -1;
        } else {
            // unary: the client sees only the end, so the server's time from first to last token is taken off
            long decode = Math.max(0, Math.round((r.getTiming().getTotalSeconds()
                    - r.getTiming().getTimeToFirstTokenSeconds()) * 1e9));
            ttft = Math.max(0, e2e - decode);
            tpot = tokens > 1 ? decode / (tokens - 1) : -1;
        }
        record(end, "OK", "", "", ttft, tpot, r, r.getRoute().getModel());
    }

    private void failed(Throwable t, long end) {
        Status status = Status.fromThrowable(t);
        Status.Code code = status.getCode();
        String reason = abandoned && code == Status.Code.CANCELLED ? RequestRecord.OUTSTANDING_AT_END
                : Failures.reason(t).map(ErrorReason::name)
                        .orElseGet(() -> Failures.errorInfo(t).map(ErrorInfo::getReason).orElse(""));
        long first = firstTokenNanos;
        // a failure before any route arrived may still name its model in its ErrorInfo
        String model = route != null ? route.getModel() : Failures.model(t).orElse("");
        String message = status.getDescription() == null ? "" : status.getDescription();
        record(end, code.name(), reason, message.length() <= RequestRecord.MESSAGE_CHARS ? message
                : message.substring(0, RequestRecord.MESSAGE_CHARS) + "...", first < 0 ? -1 : first - intendedNanos, -1,
                null, model);
    }

    private void record(long end, String status, String reason, String message, long ttft, long tpot,
                        GenerateResponse r, String model) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        // a success's own route is authoritative (a stream with no text chunk carries its route only there)
        Route seen = r != null ? r.getRoute() : route;
        double quality = r == null ? Double.NaN : prompt.score(r.getText()).orElse(Double.NaN);
        if (!Double.isNaN(quality)) {
            scored.accept(r.getRequestId(), quality);
        }
        sink.accept(new RequestRecord(index, intendedNanos - runStartNanos, sendLagNanos, status, reason, message,
                end - intendedNanos, ttft, tpot, r == null ? 0 : r.getUsage().getCompletionTokens(),
                r == null ? 0 : r.getUsage().getCostUsd(), model, seen == null ? "" : seen.getPolicy(),
                prompt.domain(), quality));
    }

    /** What both observers share: the handle to cancel the call, and errors. */
    private abstract class Observer<T> implements ClientResponseObserver<GenerateRequest, T> {
        @Override
        public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onError(Throwable t) {
            failed(t, System.nanoTime());
        }
    }
}
