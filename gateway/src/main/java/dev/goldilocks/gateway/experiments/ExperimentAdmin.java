package dev.goldilocks.gateway.experiments;

import dev.goldilocks.gateway.decisions.StoreCalls;
import dev.goldilocks.proto.v1.ChangeExperimentRequest;
import dev.goldilocks.proto.v1.CreateExperimentRequest;
import dev.goldilocks.proto.v1.ExperimentReportRequest;
import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.ListExperimentsResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The experiment RPCs of the admin API. Each waits on the store, so they run on a thread of their own (a few wait,
 * more are refused with RESOURCE_EXHAUSTED), never on a gRPC thread.
 */
public final class ExperimentAdmin implements AutoCloseable {

    private static final int WAITING = 8;

    private final ExperimentLifecycle lifecycle;
    private final ExperimentAnalyzer analyzer;
    private final ExperimentBook book;
    private final StoreCalls calls = new StoreCalls("experiments-admin", "experiment calls", WAITING);

    ExperimentAdmin(ExperimentLifecycle lifecycle, ExperimentAnalyzer analyzer, ExperimentBook book) {
        this.lifecycle = lifecycle;
        this.analyzer = analyzer;
        this.book = book;
    }

    public void create(CreateExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        calls.run(responses, () -> status(lifecycle.create(request.getDefinition())));
    }

    public void start(ChangeExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        calls.run(responses, () -> status(lifecycle.start(request.getName())));
    }

    public void pause(ChangeExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        calls.run(responses, () -> status(lifecycle.pause(request.getName())));
    }

    public void stop(ChangeExperimentRequest request, StreamObserver<ExperimentStatus> responses) {
        calls.run(responses, () -> status(lifecycle.stop(request.getName(), request.getShipArm())));
    }

    public void list(StreamObserver<ListExperimentsResponse> responses) {
        calls.run(responses, this::list);
    }

    public void report(ExperimentReportRequest request, StreamObserver<ExperimentReportResponse> responses) {
        calls.run(responses, () -> report(lifecycle.get(request.getName())));
    }

    ListExperimentsResponse list() {
        ListExperimentsResponse.Builder out = ListExperimentsResponse.newBuilder().setStorage(lifecycle.storage());
        lifecycle.list().forEach(x -> out.addExperiments(status(x)));
        return out.build();
    }

    /** Every experiment's report, newest first (the HTML page). */
    List<ExperimentReportResponse> reports() {
        List<Experiment> all = new ArrayList<>(lifecycle.list());
        Collections.reverse(all);
        return all.stream().map(this::report).toList();
    }

    private ExperimentReportResponse report(Experiment x) {
        return analyzer.report(x, lifecycle.events(x.name()), book.results());
    }

    private ExperimentStatus status(Experiment x) {
        return x.status(lifecycle.events(x.name()));
    }

    @Override
    public void close() {
        calls.close();
    }
}
