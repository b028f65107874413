package dev.goldilocks.gateway.openai;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One client connection. Requests are answered one at a time, in order (HTTP/1.1); a pipelined request waits
 * until the one before it is answered. The socket is read all along, so a client that closes the connection
 * is seen at once, even while its answer is being computed, and the call behind it is cancelled. An idle
 * connection is closed; one with a request in flight is not.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {

    /** Requests a client may send ahead of its answers before the connection is closed. */
    static final int MAX_PIPELINED = 16;
    private static final Map<String, String> CLOSE = Map.of(HttpHeaderNames.CONNECTION.toString(), "close");

    private final Endpoints endpoints;
    private final OpenAiMetrics metrics;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /** The request being answered; touched on the event loop only. */
    private Exchange current;

    HttpConnection(Endpoints endpoints, OpenAiMetrics metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        metrics.connectionOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest) && !(msg instanceof Oversized)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current == null) {
            serve(ctx, msg);
        } else if (waiting.size() < MAX_PIPELINED) {
            waiting.add(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    private void serve(ChannelHandlerContext ctx, Object msg) {
        Exchange exchange = new Exchange(ctx, metrics, () -> next(ctx));
        current = exchange;
        if (msg instanceof Oversized oversized) {
            exchange.rpc(Endpoints.rpcOf(Endpoints.path(oversized.uri())));
            exchange.error(OpenAiError.bodyTooLarge(maxBodyBytes(ctx)), oversized.closeConnection() ? CLOSE : Map.of());
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        try {
            if (request.decoderResult().isFailure()) {
                // the decoder discards the rest of the connection's bytes: answer and close
                boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
                exchange.error(OpenAiError.badHttp(tooLong ? 431 : 400, "not a valid HTTP request"
                        + (tooLong ? ": its request line or headers are too long" : "")), CLOSE);
            } else {
                endpoints.serve(request, exchange);
            }
        } finally {
            request.release();
        }
    }

    private void next(ChannelHandlerContext ctx) {
        current = null;
        Object queued = waiting.poll();
        if (queued != null) {
            serve(ctx, queued);
        }
    }

    private static int maxBodyBytes(ChannelHandlerContext ctx) {
        Oversized.Aggregator aggregator = ctx.pipeline().get(Oversized.Aggregator.class);
        return aggregator == null ? 0 : aggregator.maxContentLength();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && current == null && waiting.isEmpty()) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        metrics.connectionClosed();
        if (current != null) {
            current.clientGone();
        }
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a broken pipe: channelInactive cancels what was in flight
    }
}
