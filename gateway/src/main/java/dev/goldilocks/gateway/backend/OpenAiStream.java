package dev.goldilocks.gateway.backend;

import dev.goldilocks.proto.v1.WorkerGenerateChunk;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of one streamed completion, from the socket to the caller at the caller's pace. The HTTP client
 * reads one buffer at a time and only when every chunk read before has been taken (the caller asks for the
 * next with {@link #request}), so a client that does not read slows the backend's stream through TCP
 * instead of filling the gateway's memory. Failures from every side (a cut connection, an error event, the
 * caller leaving, the deadline) end the call once: the first wins, and the response is closed.
 */
final class OpenAiStream implements HttpResponse.BodySubscriber<Void>, Demand {

    private final StreamedCompletion completion;
    private final SseParser parser;
    private final HttpFailures failures;
    private final BackendObserver<WorkerGenerateChunk> out;
    private final Runnable onEnd;
    private final CompletableFuture<Void> body = new CompletableFuture<>();
    private final Object lock = new Object();
    // guarded by lock
    private final ArrayDeque<WorkerGenerateChunk> ready = new ArrayDeque<>();
    private long demand = 1;
    private Flow.Subscription subscription;
    private boolean reading;
    private boolean bodyEnded;
    private boolean complete;
    private BackendFailure failure;
    private boolean ended;
    private boolean draining;

    /** @param onEnd run once the call has ended, whichever way (it releases the call's deadline timer) */
    OpenAiStream(StreamedCompletion completion, int maxEventBytes, HttpFailures failures,
                 BackendObserver<WorkerGenerateChunk> out, Runnable onEnd) {
        this.completion = completion;
        this.parser = new SseParser(maxEventBytes);
        this.failures = failures;
        this.out = out;
        this.onEnd = onEnd;
    }

    @Override
    public void request(int messages) {
        synchronized (lock) {
            demand += messages;
        }
        drain();
    }

    /** Ends the call with {@code why} unless it has ended already; returns whether it did. */
    boolean fail(BackendFailure why) {
        synchronized (lock) {
            if (ended || failure != null) {
                return false;
            }
            failure = why;
        }
        drain();
        return true;
    }

    @Override
    public CompletionStage<Void> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        boolean over;
        synchronized (lock) {
            subscription = s;
            over = ended || failure != null;
        }
        if (over) {
            s.cancel();
        } else {
            drain();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        List<WorkerGenerateChunk> chunks = new ArrayList<>();
        BackendFailure broken = null;
        try {
            for (ByteBuffer buffer : buffers) {
                parser.feed(buffer, (type, data) -> add(chunks, completion.read(type, data)));
            }
        } catch (CallFailed e) {
            broken = e.failure();
        } catch (SseParser.TooLarge e) {
            broken = failures.notTheProtocol(e.getMessage());
        }
        Flow.Subscription rest = null;
        synchronized (lock) {
            reading = false;
            ready.addAll(chunks);
            if (broken != null && failure == null && !ended) {
                failure = broken;
            } else if (completion.done() && !complete) {
                complete = true;
                ready.add(completion.last());
                rest = subscription; // what follows [DONE] is read and dropped, so the connection can be reused
            }
        }
        if (rest != null) {
            rest.request(Long.MAX_VALUE);
        }
        drain();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (lock) {
            reading = false;
            bodyEnded = true;
            if (!complete && failure == null && !ended) {
                failure = failures.ofException(t);
            }
        }
        drain();
    }

    @Override
    public void onComplete() {
        List<WorkerGenerateChunk> chunks = new ArrayList<>();
        BackendFailure broken = null;
        try {
            parser.finish((type, data) -> add(chunks, completion.read(type, data)));
        } catch (CallFailed e) {
            broken = e.failure();
        }
        synchronized (lock) {
            reading = false;
            bodyEnded = true;
            ready.addAll(chunks);
            if (!complete && failure == null && !ended) {
                if (broken != null) {
                    failure = broken;
                } else if (completion.complete()) {
                    complete = true;
                    ready.add(completion.last());
                } else {
                    failure = failures.cutOff();
                }
            }
        }
        drain();
    }

    private static void add(List<WorkerGenerateChunk> chunks, WorkerGenerateChunk chunk) {
        if (chunk != null) {
            chunks.add(chunk);
        }
    }

    /**
     * Delivers what can be delivered now, one action at a time and never two threads at once: a thread that
     * finds another draining leaves, and the one draining sees its change on its next look, since both look
     * under the lock.
     */
    private void drain() {
        synchronized (lock) {
            if (draining) {
                return;
            }
            draining = true;
        }
        for (;;) {
            Runnable action;
            synchronized (lock) {
                action = next();
                if (action == null) {
                    draining = false;
                    return;
                }
            }
            try {
                action.run();
            } catch (RuntimeException e) {
                synchronized (lock) {
                    draining = false;
                }
                throw e;
            }
        }
    }

    /** The next thing to do, decided under the lock; null when there is nothing until something changes. */
    private Runnable next() {
        if (ended) {
            return null;
        }
        if (failure != null) {
            ended = true;
            ready.clear();
            BackendFailure why = failure;
            Flow.Subscription open = bodyEnded ? null : subscription;
            return () -> {
                if (open != null) {
                    open.cancel(); // closes the connection: the server stops generating
                }
                end();
                out.onError(why.status(), why.kind());
            };
        }
        if (demand > 0 && !ready.isEmpty()) {
            demand--;
            WorkerGenerateChunk chunk = ready.poll();
            return () -> out.onNext(chunk);
        }
        if (ready.isEmpty() && complete) {
            ended = true;
            return () -> {
                end();
                out.onCompleted();
            };
        }
        if (ready.isEmpty() && !complete && !reading && !bodyEnded && subscription != null) {
            reading = true;
            Flow.Subscription s = subscription;
            return () -> s.request(1);
        }
        return null;
    }

    private void end() {
        body.complete(null);
        onEnd.run();
    }
}
