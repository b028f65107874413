package dev.goldilocks.worker;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One Generate stream as its client sees it: the chunks, then how it ended. With manual flow control it
 * reads one message and then nothing until {@link #readAll()}, as a client that stopped reading.
 */
final class RecordedStream implements ClientResponseObserver<WorkerGenerateRequest, WorkerGenerateChunk> {

    /** How a call ended, in the terms a client can check. */
    enum Outcome {
        /** OK, and the last chunk carries the finish reason and usage. */
        FINISHED,
        /** UNAVAILABLE with reason SHUTTING_DOWN: the drain ended it. */
        SHUTTING_DOWN,
        /** UNAVAILABLE without one of our reasons: the port no longer accepted the call. */
        REFUSED,
        /** Anything else: never expected. */
        OTHER
    }

    private final boolean manual;
    private final List<WorkerGenerateChunk> chunks = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch first = new CountDownLatch(1);
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<WorkerGenerateRequest> call;
    private volatile long firstChunkAt = Long.MAX_VALUE;

    RecordedStream(boolean manual) {
        this.manual = manual;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WorkerGenerateRequest> requestStream) {
        this.call = requestStream;
        if (manual) {
            requestStream.disableAutoRequestWithInitial(1);
        }
    }

    @Override
    public void onNext(WorkerGenerateChunk chunk) {
        if (firstChunkAt == Long.MAX_VALUE) {
            firstChunkAt = System.nanoTime();
        }
        chunks.add(chunk);
        first.countDown();
    }

    @Override
    public void onError(Throwable t) {
        first.countDown();
        ended.complete(t);
    }

    @Override
    public void onCompleted() {
        first.countDown();
        ended.complete(null);
    }

    /** Waits for the first message (or the end): the call is in flight. */
    void awaitFirst() throws InterruptedException {
        if (!first.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("no message within 60 s");
        }
    }

    /** Reads everything from now on. */
    void readAll() {
        call.request(Integer.MAX_VALUE);
    }

    /** Whether the server had sent a message before {@code nanoTime}: proof that it had accepted the call. */
    boolean answeredBefore(long nanoTime) {
        return firstChunkAt < nanoTime;
    }

    boolean isDone() {
        return ended.isDone();
    }

    /** Waits for the end (generously: a call left without an end is a failure) and classifies it. */
    Outcome outcome() throws Exception {
        Throwable error = ended.get(60, TimeUnit.SECONDS);
        if (error == null) {
            return finalChunk().getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED
                    ? Outcome.FINISHED : Outcome.OTHER;
        }
        if (Status.fromThrowable(error).getCode() != Status.Code.UNAVAILABLE) {
            return Outcome.OTHER;
        }
        return Failures.reason(error).map(r -> r == ErrorReason.SHUTTING_DOWN ? Outcome.SHUTTING_DOWN : Outcome.OTHER)
                .orElse(Outcome.REFUSED);
    }

    /** The status a call ended with, for messages. */
    String status() {
        Throwable error = ended.getNow(null);
        return error == null ? (ended.isDone() ? "OK" : "open") : Status.fromThrowable(error).toString();
    }

    List<WorkerGenerateChunk> chunks() {
        return List.copyOf(chunks);
    }

    WorkerGenerateChunk finalChunk() {
        List<WorkerGenerateChunk> all = chunks();
        return all.isEmpty() ? WorkerGenerateChunk.getDefaultInstance() : all.get(all.size() - 1);
    }

    String text() {
        StringBuilder text = new StringBuilder();
        chunks().forEach(c -> text.append(c.getText()));
        return text.toString();
    }
}
