package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.decisions.DecisionAdmin;
import dev.goldilocks.gateway.experiments.ExperimentAdmin;
import dev.goldilocks.proto.v1.ChangeExperimentRequest;
import dev.goldilocks.proto.v1.CreateExperimentRequest;
import dev.goldilocks.proto.v1.ExperimentReportRequest;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.ListExperimentsRequest;
import dev.goldilocks.proto.v1.ListExperimentsResponse;
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
 * and off-policy evaluation, read from the decision log; experiments between routing policies.
 */
public final class AdminService extends GoldilocksAdminGrpc.GoldilocksAdminImplBase {

    private final CachedReport<ReportResponse> report;
    private final DecisionAdmin decisions;
    private final ExperimentAdmin experiments;

    public AdminService(CachedReport<ReportResponse> report, DecisionAdmin decisions, ExperimentAdmin experiments) {
        this.report = report;
        this.decisions = decisions;
        this.experiments = experiments;
    }

    @Override
    public void createExperiment(CreateExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        experiments.create(request, responses);
    }

    @Override
    public void startExperiment(ChangeExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        experiments.start(request, responses);
    }

    @Override
    public void pauseExperiment(ChangeExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        experiments.pause(request, responses);
    }

    @Override
    public void stopExperiment(ChangeExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        experiments.stop(request, responses);
    }

    @Override
    public void listExperiments(ListExperimentsRequest request, StreamObserver<ListExperimentsResponse> responses) {
        experiments.list(responses);
    }

    @Override
    public void experimentReport(ExperimentReportRequest request,
                                 StreamObserver<ExperimentReportResponse> responses) {
        experiments.report(request, responses);
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
