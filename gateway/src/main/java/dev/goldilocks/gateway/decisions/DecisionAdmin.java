package dev.goldilocks.gateway.decisions;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.EvaluateRequest;
import dev.goldilocks.proto.v1.EvaluateResponse;
import dev.goldilocks.proto.v1.LogTailRequest;
import dev.goldilocks.proto.v1.LogTailResponse;
import dev.goldilocks.store.DecisionHistory;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.function.Function;

/**
 * The admin RPCs that read the decision log (LogTail, Evaluate). They run on a thread of their own, one at a
 * time with a few waiting, so a long evaluation never holds a gRPC thread or the store for client traffic; more
 * are refused with RESOURCE_EXHAUSTED.
 */
public final class DecisionAdmin implements AutoCloseable {

    static final int DEFAULT_TAIL = 20;
    static final int MAX_TAIL = 1000;
    private static final int WAITING = 4;

    private final DecisionLogging log;
    private final OffPolicyEvaluator evaluator;
    private final StoreCalls reader = new StoreCalls("decision-log-reader", "decision log reads", WAITING);

    public DecisionAdmin(DecisionLogging log, OffPolicyEvaluator evaluator) {
        this.log = log;
        this.evaluator = evaluator;
    }

    public void logTail(LogTailRequest request, StreamObserver<LogTailResponse> responses) {
        int limit = request.getLimit() == 0 ? DEFAULT_TAIL : request.getLimit();
        if (limit < 1 || limit > MAX_TAIL) {
            responses.onError(Failures.invalidField("limit", "must be between 1 and " + MAX_TAIL + ", got "
                    + request.getLimit()));
            return;
        }
        read(responses, history -> {
            LogTailResponse.Builder out = LogTailResponse.newBuilder().setDecisionLog(log.healthMessage());
            history.latest(limit).forEach(d -> out.addDecisions(DecisionRows.of(d)));
            return out.build();
        });
    }

    public void evaluate(EvaluateRequest request, StreamObserver<EvaluateResponse> responses) {
        read(responses, history -> evaluator.evaluate(request, history, Instant.now()));
    }

    private <T> void read(StreamObserver<T> responses, Function<DecisionHistory, T> query) {
        if (log.history().isEmpty()) {
            responses.onError(Failures.of(ErrorReason.DECISION_LOG_OFF,
                    "this gateway has no decision log (decision_log.store: off)").build());
            return;
        }
        DecisionHistory history = log.history().get();
        reader.run(responses, () -> query.apply(history));
    }

    @Override
    public void close() {
        reader.close();
    }
}
