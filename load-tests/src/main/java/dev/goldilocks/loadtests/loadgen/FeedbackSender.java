package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.FeedbackResponse;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends each scored answer's quality (its score against the prompt's reference) back to the gateway as the client's
 * Feedback, as an application that knows whether its users were satisfied would: this is what experiments and the
 * report read as client feedback. Asynchronous, never holding up the load; every score is counted as accepted,
 * refused (the gateway had one for that request already) or failed.
 */
final class FeedbackSender {

    private static final long DEADLINE_SECONDS = 10;

    private final GoldilocksGrpc.GoldilocksStub stub;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();

    FeedbackSender(Channel channel) {
        this.stub = GoldilocksGrpc.newStub(channel);
    }

    void send(String requestId, double score) {
        outstanding.incrementAndGet();
        stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).feedback(FeedbackRequest.newBuilder()
                .setRequestId(requestId).setScore(score).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(FeedbackResponse r) {
                        (r.getAccepted() ? accepted : refused).incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {
                        failed.incrementAndGet();
                        done();
                    }

                    @Override
                    public void onCompleted() {
                        done();
                    }
                });
    }

    private synchronized void done() {
        outstanding.decrementAndGet();
        notifyAll();
    }

    /** Waits until every score sent was answered (each has its own deadline, so this ends). */
    synchronized void awaitAnswers() throws InterruptedException {
        while (outstanding.get() > 0) {
            wait();
        }
    }

    String summary() {
        return String.format("feedback: %d accepted, %d refused, %d failed", accepted.get(), refused.get(), failed.get());
    }
}
