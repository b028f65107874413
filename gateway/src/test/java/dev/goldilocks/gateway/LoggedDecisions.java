package dev.goldilocks.gateway;

import dev.goldilocks.proto.v1.DecisionLogRow;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.LogTailRequest;
import io.grpc.Channel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reads a gateway's decision log back through its admin API (LogTail), as `goldilocks log tail` does. */
final class LoggedDecisions {

    private LoggedDecisions() {
    }

    static List<DecisionLogRow> latest(Channel gateway, int n) {
        return GoldilocksAdminGrpc.newBlockingStub(gateway).withDeadlineAfter(30, TimeUnit.SECONDS)
                .logTail(LogTailRequest.newBuilder().setLimit(n).build()).getDecisionsList();
    }

    /**
     * The latest {@code n} rows once {@code ready} holds for them: rows are written in batches off the
     * requests' path, so they appear shortly after the answers.
     */
    static List<DecisionLogRow> await(Channel gateway, int n, Predicate<List<DecisionLogRow>> ready)
            throws InterruptedException {
        return Eventually.value("the decision log's rows", () -> latest(gateway, n), ready);
    }

    /** The row of {@code requestId} once it is written. */
    static DecisionLogRow row(Channel gateway, String requestId) throws InterruptedException {
        return await(gateway, 1000, rows -> rows.stream().anyMatch(r -> r.getRequestId().equals(requestId)))
                .stream().filter(r -> r.getRequestId().equals(requestId)).findFirst().orElseThrow();
    }
}
