package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.quality.CachedReport;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.ReportRequest;
import dev.goldilocks.proto.v1.ReportResponse;
import io.grpc.stub.StreamObserver;

/** The admin API: the live tradeoff report, built off the handler thread and cached. */
public final class AdminService extends GoldilocksAdminGrpc.GoldilocksAdminImplBase {

    private final CachedReport report;

    public AdminService(CachedReport report) {
        this.report = report;
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
