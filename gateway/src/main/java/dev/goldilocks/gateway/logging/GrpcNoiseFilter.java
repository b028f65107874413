package dev.goldilocks.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.logging.RateLimitedLog;
import java.time.Duration;
import org.slf4j.Marker;

/**
 * Condenses what grpc-java's Netty transport logs (through java.util.logging) for a client's mistake into
 * one line, at most one a minute per kind with a count of the rest: a connection that does not speak
 * HTTP/2 (a plain HTTP/1 request, random bytes) logged about 25 lines of stack trace, and a request message
 * over the size limit a WARNING with a stack trace. The client already got its status; the operator needs
 * to know that it happens, not where in Netty.
 */
public final class GrpcNoiseFilter extends TurboFilter {

    /** Where the condensed lines go. */
    public static final String LOGGER = "dev.goldilocks.grpc.transport";
    private static final String SHADED = "io.grpc.netty.shaded.io.grpc.netty.";
    private static final String TRANSPORT = SHADED + "NettyServerTransport.connections";
    private static final String STREAM = SHADED + "NettyServerStream";
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private RateLimitedLog log;

    @Override
    public void start() {
        // the context's own logger: this runs while logback configures itself, before SLF4J is ready
        log = new RateLimitedLog(((LoggerContext) getContext()).getLogger(LOGGER), INTERVAL);
        super.start();
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (t == null || logger == null || !isStarted()) {
            return FilterReply.NEUTRAL;
        }
        String name = logger.getName();
        if (name.equals(TRANSPORT)) {
            log.info("connection", "connection closed, not a gRPC client or a broken one: {}", summary(t));
            return FilterReply.DENY;
        }
        if (name.equals(STREAM)) {
            log.info("message", "request message refused: {}", summary(t));
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    /** The exception's type and the start of its message, on one line, without a client's bytes in full. */
    private static String summary(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + ": " + Failures.echo(message.strip());
    }
}
