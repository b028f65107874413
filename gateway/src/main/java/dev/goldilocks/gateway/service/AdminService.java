package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.decisions.DecisionAdmin;
import dev.goldilocks.gateway.quality.CachedReport;
import dev.goldilocks.proto.v1.EvaluateRequest;
import dev.goldilocks.proto.v1.EvaluateResponse;
import dev.goldilocks.proto.v1.LogTailRequest;
import dev.goldilocks.proto.v1.LogTailResponse;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.ReportRequest;
import dev.goldilocks.proto.v1.ReportResponse;
import io.grpc.stub.StreamObserver;

/**
 * The admin API: the live tradeoff report, built off the handler thread and cached; the latest logged decisions
 * and off-policy evaluation, read from the decision log.
 */
public final class AdminService extends GoldilocksAdminGrpc.GoldilocksAdminImplBase {

    private final CachedReport report;
    private final DecisionAdmin decisions;

    public AdminService(CachedReport report, DecisionAdmin decisions) {
        this.report = report;
        this.decisions = decisions;
    }

    @Override
    public void logTail(LogTailRequest request, StreamObserver<LogTailResponse> responses) {
        decisions.logTail(request, responses);
    }

    @Override
    public void evaluate(EvaluateRequest request, StreamObserver<EvaluateResponse> responses) {
        decisions.evaluate(request, responses);
    }

    @Override
    public void report(ReportRequest request, StreamObserver<ReportResponse> responses) {
        report.get().whenComplete((r, failure) -> {
            if (failure != null) {
                responses.onError(Failures.of(ErrorReason.INTERNAL_ERROR, "report: could not be built ("
                        + failure + ")").build());
                return;
            }
            responses.onNext(r);
            responses.onCompleted();
        });
    }
}
