package dev.goldilocks.gateway.service;

import dev.goldilocks.gateway.quality.TradeoffReport;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.ReportRequest;
import dev.goldilocks.proto.v1.ReportResponse;
import io.grpc.stub.StreamObserver;

/** The admin API: the live tradeoff report. */
public final class AdminService extends GoldilocksAdminGrpc.GoldilocksAdminImplBase {

    private final TradeoffReport report;

    public AdminService(TradeoffReport report) {
        this.report = report;
    }

    @Override
    public void report(ReportRequest request, StreamObserver<ReportResponse> responses) {
        responses.onNext(report.build());
        responses.onCompleted();
    }
}
