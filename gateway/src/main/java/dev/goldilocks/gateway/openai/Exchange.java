package dev.goldilocks.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.stub.ClientCallStreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request's response: a whole JSON body, or server-sent events. Its methods are called from the
 * gRPC callbacks' threads; Netty runs every write on the connection's event loop in the order it was asked
 * for, and each event is flushed at once. When the client goes away first, the call behind the response is
 * cancelled (so the worker stops generating) and the request is counted as client_closed.
 */
final class Exchange {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandlerContext ctx;
    private final OpenAiMetrics metrics;
    private final Runnable onFinished;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile String rpc = "other";
    private volatile ClientCallStreamObserver<?> call;

    /** @param onFinished run on the event loop once the response is written (the next pipelined request may go) */
    Exchange(ChannelHandlerContext ctx, OpenAiMetrics metrics, Runnable onFinished) {
        this.ctx = ctx;
        this.metrics = metrics;
        this.onFinished = onFinished;
    }

    /** The endpoint, as metrics label it. */
    void rpc(String name) {
        this.rpc = name;
    }

    /** The gRPC call that answers this request: cancelled if the client goes away before the answer is complete. */
    void answeredBy(ClientCallStreamObserver<?> grpcCall) {
        this.call = grpcCall;
    }

    void json(int status, Map<String, String> headers, ObjectNode body) {
        if (finished.get()) {
            return;
        }
        byte[] bytes = bytes(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        headers.forEach(response.headers()::set);
        ctx.writeAndFlush(response);
        finish(Integer.toString(status));
    }

    void error(OpenAiError e) {
        error(e, Map.of());
    }

    /** An error response; Retry-After (whole seconds, rounded up) and retry-after-ms when it suggests a wait. */
    void error(OpenAiError e, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        Duration wait = e.retryAfter();
        if (wait != null) {
            headers.put("retry-after", Long.toString((wait.toMillis() + 999) / 1000));
            headers.put("retry-after-ms", Long.toString(wait.toMillis())); // the OpenAI SDKs prefer it
        }
        json(e.status(), headers, e.body());
    }

    /** Starts a 200 event stream; the headers go out with the first event. */
    void startEvents(Map<String, String> headers) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(response, true);
        headers.forEach(response.headers()::set);
        ctx.write(response);
    }

    /** One {@code data:} event, flushed at once. */
    void event(ObjectNode data) {
        ByteBuf event = Unpooled.wrappedBuffer(DATA, bytes(data), END_OF_EVENT);
        ctx.writeAndFlush(new DefaultHttpContent(event));
    }

    /**
     * Ends the stream: with {@code data: [DONE]} after a complete answer; after an error event without it,
     * so a client that waits for [DONE] cannot take a cut-off answer for a whole one.
     */
    void endEvents(boolean complete, String outcome) {
        if (complete) {
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(DONE)));
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        finish(outcome);
    }

    /** The connection closed: a response still being made is abandoned and its call cancelled. */
    void clientGone() {
        if (finished.compareAndSet(false, true)) {
            metrics.requestEnded(rpc, OpenAiMetrics.CLIENT_CLOSED);
            ClientCallStreamObserver<?> grpcCall = call;
            if (grpcCall != null) {
                grpcCall.cancel("the HTTP client closed the connection", null);
            }
        }
    }

    private void finish(String outcome) {
        if (finished.compareAndSet(false, true)) {
            metrics.requestEnded(rpc, outcome);
            ctx.executor().execute(onFinished);
        }
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }
}
