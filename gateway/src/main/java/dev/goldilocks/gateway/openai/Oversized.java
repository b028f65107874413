package dev.goldilocks.gateway.openai;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * A request whose body is over the limit, passed on in its turn (so a pipelined request's 413 does not
 * overtake the answer before it) to be answered with an OpenAI-style 413.
 *
 * @param uri              the request's URI, for the metrics label
 * @param closeConnection  true when the connection cannot be reused: the client started sending a body
 *                         the aggregator will not read, or it asked for no keep-alive
 */
record Oversized(String uri, boolean closeConnection) {

    /** Netty's aggregator with the body limit; an oversized request goes on as an {@link Oversized}. */
    static final class Aggregator extends HttpObjectAggregator {

        Aggregator(int maxBodyBytes) {
            super(maxBodyBytes);
        }

        /** An oversized request that expects 100-continue is answered like any other: not by Netty's empty 413. */
        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            if (HttpUtil.is100ContinueExpected(start) && isContentLengthInvalid(start, maxContentLength)) {
                return null; // the aggregator then hands it to handleOversizedMessage
            }
            return super.newContinueResponse(start, maxContentLength, pipeline);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // the same rule as Netty's own handler: keep the connection only when the rest of the body can be
            // read and dropped (a keep-alive request whose declared length was refused before it was sent)
            boolean close = oversized instanceof FullHttpMessage || !ctx.channel().config().isAutoRead()
                    || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
            String uri = oversized instanceof HttpRequest request ? request.uri() : "";
            ctx.fireChannelRead(new Oversized(uri, close));
        }
    }
}
