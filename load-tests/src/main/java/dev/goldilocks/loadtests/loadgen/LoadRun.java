package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.Channel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One open-loop run: sends each request at its scheduled time on asynchronous stubs, whatever the earlier
 * ones are doing (a slow server makes requests pile up, it never slows the sender), then waits for what is
 * outstanding and cancels what is still outstanding after the drain time. Every scheduled request ends as
 * exactly one {@link RequestRecord}.
 */
public final class LoadRun {

    /** Time to get ready between drawing the start time and the first send, so the first ones are not late. */
    private static final long START_LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How long cancelled calls get to report their cancellation before they are counted without it. */
    private static final long CANCEL_WAIT_SECONDS = 10;

    private final GoldilocksGrpc.GoldilocksStub stub;
    private final RequestShape shape;
    private final long drainNanos;
    private final FeedbackSender feedback;

    /**
     * @param drainSeconds how long to wait after the last send for outstanding calls before cancelling them
     */
    public LoadRun(Channel channel, RequestShape shape, double drainSeconds) {
        if (!(drainSeconds >= 0) || Double.isInfinite(drainSeconds)) {
            throw new IllegalArgumentException("--drain: must be >= 0 seconds, got " + drainSeconds);
        }
        this.stub = GoldilocksGrpc.newStub(channel);
        this.shape = shape;
        this.drainNanos = Math.round(drainSeconds * 1e9);
        this.feedback = shape.feedback() ? new FeedbackSender(channel) : null;
    }

    /** What became of the feedback sent, when the shape sends it. */
    public java.util.Optional<String> feedbackSummary() {
        return java.util.Optional.ofNullable(feedback).map(FeedbackSender::summary);
    }

    /** The records of a run and its wall-clock span. */
    public record Records(List<RequestRecord> all, long wallNanos) {
    }

    /** Runs the schedule; prompt {@code i} goes with arrival {@code i}. */
    public Records run(ArrivalSchedule schedule, List<Prompt> prompts) throws InterruptedException {
        int n = schedule.size();
        if (prompts.size() < n) {
            throw new IllegalArgumentException("need " + n + " prompts, got " + prompts.size());
        }
        GenerateRequest[] requests = new GenerateRequest[n];
        for (int i = 0; i < n; i++) {
            requests[i] = shape.request(prompts.get(i), i);
        }
        RequestRecord[] records = new RequestRecord[n];
        CountDownLatch finished = new CountDownLatch(n);
        InFlightCall[] calls = new InFlightCall[n];
        long start = System.nanoTime() + START_LEAD_NANOS;
        try {
            for (int i = 0; i < n; i++) {
                long due = start + schedule.offsetNanos(i);
                waitUntil(due);
                int slot = i;
                calls[i] = new InFlightCall(i, prompts.get(i), start, due, System.nanoTime(), r -> {
                    records[slot] = r;
                    finished.countDown();
                }, (requestId, score) -> {
                    if (feedback != null) {
                        feedback.send(requestId, score);
                    }
                });
                send(calls[i], requests[i]);
            }
            if (!finished.await(drainNanos, TimeUnit.NANOSECONDS)) {
                Arrays.stream(calls).forEach(InFlightCall::abandon);
                finished.await(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            if (finished.getCount() > 0) {
                // interrupted, or a cancellation never reported: nothing stays in flight, nothing goes uncounted
                for (InFlightCall call : calls) {
                    if (call != null) {
                        call.abandon();
                        call.giveUp();
                    }
                }
            }
        }
        if (feedback != null) {
            feedback.awaitAnswers();
        }
        long end = Arrays.stream(records).mapToLong(r -> start + r.intendedNanos() + r.e2eNanos()).max().orElse(start);
        return new Records(List.of(records), end - start);
    }

    private void send(InFlightCall call, GenerateRequest request) {
        GoldilocksGrpc.GoldilocksStub withDeadline = stub.withDeadlineAfter(shape.deadlineNanos(), TimeUnit.NANOSECONDS);
        if (shape.stream()) {
            withDeadline.generateStream(request, call.streaming());
        } else {
            withDeadline.generate(request, call.unary());
        }
    }

    private static void waitUntil(long due) throws InterruptedException {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("load run interrupted");
            }
        }
    }
}
