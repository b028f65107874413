package dev.goldilocks.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * How every Goldilocks process logs (found by logback as a service): one line per event on standard output
 * with an ISO-8601 timestamp, level, thread, logger and message (an exception's first frames on the same
 * line), or with {@value #FORMAT_ENV}=json one JSON object per line (logback's JsonEncoder) for log shippers;
 * {@value #LEVEL_ENV} sets the level (INFO by default). gRPC and Netty log through java.util.logging, which
 * is bridged to SLF4J here, and their per-connection stack traces are condensed by {@link GrpcNoiseFilter}.
 * The tokenizer library's GPU probe, which warns twice at start on every machine without a CUDA driver, is
 * silenced: the tokenizer runs on the CPU whatever it finds, and ONNX Runtime reports the device models use.
 * A logback.xml on the class path, or -Dlogback.configurationFile, takes precedence.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    public static final String FORMAT_ENV = "GOLDILOCKS_LOG_FORMAT";
    public static final String LEVEL_ENV = "GOLDILOCKS_LOG_LEVEL";
    /** The appender every line goes through. */
    public static final String APPENDER = "console";
    /** An exception's message and first frames after the message, on the same line, separated by " | ". */
    static final String ONE_LINE_EXCEPTION =
            "%replace(%replace(%ex{6}){'[\\r\\n]+\\s*', ' | '}){'^(.+?)( \\| )?$', ' $1'}%nopex";
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - "
            + "%replace(%msg){'[\\r\\n]+', ' | '}" + ONE_LINE_EXCEPTION + "%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        bridgeJavaUtilLogging();
        if (userConfiguration()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System.getenv());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Configures {@code context} as described above, reading the two variables from {@code env}. */
    public static void apply(LoggerContext context, Map<String, String> env) {
        String format = env.getOrDefault(FORMAT_ENV, "text").trim().toLowerCase(Locale.ROOT);
        String levelName = env.getOrDefault(LEVEL_ENV, "INFO").trim();
        Level level = Level.toLevel(levelName, null);

        LevelChangePropagator julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        julLevels.start();
        context.addListener(julLevels);
        GrpcNoiseFilter noise = new GrpcNoiseFilter();
        noise.setContext(context);
        noise.start();
        context.addTurboFilter(noise);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(APPENDER);
        console.setEncoder(format.equals("json") ? json(context) : text(context));
        console.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.setLevel(level != null ? level : Level.INFO);
        context.getLogger("ai.djl").setLevel(Level.WARN);
        context.getLogger("ai.djl.util.cuda.CudaUtils").setLevel(Level.ERROR);

        org.slf4j.Logger log = context.getLogger(LogSetup.class);
        if (!format.equals("json") && !format.equals("text")) {
            log.warn("{}: must be text or json, got '{}'; logging as text", FORMAT_ENV, format);
        }
        if (level == null) {
            log.warn("{}: must be a level such as INFO or DEBUG, got '{}'; logging at INFO", LEVEL_ENV, levelName);
        }
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    /** gRPC and Netty log through java.util.logging: to SLF4J instead, once. */
    public static void bridgeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    private static boolean userConfiguration() {
        ClassLoader loader = LogSetup.class.getClassLoader();
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null || loader.getResource("logback.xml") != null;
    }
}
