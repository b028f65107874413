package dev.goldilocks.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.common.grpc.DrainSettings;
import dev.goldilocks.common.grpc.GrpcServers;
import dev.goldilocks.common.grpc.ServingProcess;
import dev.goldilocks.common.metrics.MetricsEndpoint;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads, with the logging every process runs with (LogSetup): one line per event with an
 * ISO-8601 timestamp (or one JSON object per line), and what a client's mistake makes gRPC's transport log
 * (a junk connection, an over-size message) condensed to one line without a stack trace.
 */
class LoggingTest {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    private void logAsTheProductDoes(Map<String, String> env) {
        context.reset();
        captured.setContext(context);
        captured.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
        LogSetup.bridgeJavaUtilLogging();
        LogSetup.apply(context, env);
    }

    @BeforeEach
    void productLogging() {
        logAsTheProductDoes(Map.of());
    }

    @AfterEach
    void testLogging() throws Exception {
        context.reset();
        new ContextInitializer(context).autoConfig(); // back to logback-test.xml
    }

    @Test
    void aJunkConnectionOrAnOversizeMessageLogsOneLineWithoutAStackTrace() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        ExecutorService executor = GrpcServers.boundedExecutor("logging-test");
        ServingProcess server = ServingProcess.start("test", GrpcServers.builder("127.0.0.1", 0, 1024, executor,
                health, Optional.empty()), health, executor, MetricsEndpoint.newRegistry(), "127.0.0.1", -1,
                DrainSettings.DEFAULT);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            sendAndAwaitClose(server.port(),
                    "GET / HTTP/1.1\r\nHost: goldilocks\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitEvent(e -> e.getFormattedMessage().contains("Unexpected HTTP/1.x request: GET /"));
            assertThat(transportLines()).as("one line for the junk connection").hasSize(1);

            byte[] junk = new byte[300];
            new Random(7).nextBytes(junk);
            sendAndAwaitClose(server.port(), junk);

            String service = "s".repeat(2000); // over the server's 1 KiB message limit
            assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            awaitEvent(e -> e.getFormattedMessage().startsWith("request message refused"));
        } finally {
            channel.shutdownNow();
            server.close();
        }
        assertThat(transportLines()).as("at most one line per junk connection and one for the message")
                .hasSizeLessThanOrEqualTo(3)
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\n"));
        assertThat(captured.list).as("no stack trace anywhere")
                .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
        assertThat(captured.list).as("nothing else from gRPC's transport")
                .noneMatch(e -> e.getLoggerName().startsWith("io.grpc"));
        for (ILoggingEvent e : transportLines()) {
            assertThat(text(e)).as("one line of text").doesNotContain("\tat ").endsWith("\n")
                    .hasLineCount(1).doesNotContain("Exception processing message");
        }
    }

    @Test
    void eachEventIsOneLineWithAnIsoTimestampLevelThreadLoggerAndMessage() {
        org.slf4j.Logger log = LoggerFactory.getLogger("dev.goldilocks.test");
        log.info("drain ended: {} calls finished", 3);
        log.warn("a failure\nof two lines",
                new IllegalStateException("broken\nacross lines", new RuntimeException("cause")));
        String info = text(last(e -> e.getMessage().startsWith("drain ended")));
        assertThat(info).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  "
                + "\\[[^\\]]+\\] dev\\.goldilocks\\.test - drain ended: 3 calls finished\\n");
        String warn = text(last(e -> e.getMessage().startsWith("a failure")));
        assertThat(warn).hasLineCount(1).contains(" WARN  ")
                .contains("a failure | of two lines java.lang.IllegalStateException: broken | across lines | at ")
                .doesNotEndWith(" \n");
    }

    @Test
    void withTheJsonFormatEachEventIsOneJsonObjectPerLine() throws Exception {
        logAsTheProductDoes(Map.of(LogSetup.FORMAT_ENV, "json"));
        LoggerFactory.getLogger("dev.goldilocks.test").info("gateway drain begins: {} calls in flight", 2);
        String line = text(last(e -> e.getFormattedMessage().startsWith("gateway drain begins")));
        assertThat(line).hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("loggerName").asText()).isEqualTo("dev.goldilocks.test");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("gateway drain begins: 2 calls in flight");
        assertThat(json.get("timestamp").asLong()).isPositive();
        assertThat(json.has("threadName")).isTrue();
    }

    @Test
    void theTokenizersGpuProbeIsSilentAndAnUnknownFormatIsNamed() {
        logAsTheProductDoes(Map.of(LogSetup.FORMAT_ENV, "xml"));
        assertThat(captured.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .isEqualTo("GOLDILOCKS_LOG_FORMAT: must be text or json, got 'xml'; logging as text"));
        assertThat(context.getLogger("ai.djl.util.cuda.CudaUtils").isWarnEnabled()).isFalse();
    }

    /** The event as the console appender writes it. */
    private String text(ILoggingEvent event) {
        @SuppressWarnings("unchecked")
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) context
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogSetup.APPENDER);
        return new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
    }

    private List<ILoggingEvent> transportLines() {
        return captured.list.stream().filter(e -> e.getLoggerName().equals(GrpcNoiseFilter.LOGGER)).toList();
    }

    private ILoggingEvent last(Predicate<ILoggingEvent> which) {
        List<ILoggingEvent> matching = captured.list.stream().filter(which).toList();
        assertThat(matching).isNotEmpty();
        return matching.get(matching.size() - 1);
    }

    private void awaitEvent(Predicate<ILoggingEvent> which) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (captured.list.stream().noneMatch(which)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such log line within 60 s; lines: " + captured.list);
            }
            Thread.sleep(10);
        }
    }

    /** Sends {@code bytes} on a new connection and reads until the server closes it. */
    private static void sendAndAwaitClose(int port, byte[] bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // the server answers (an HTTP/2 GOAWAY) and closes
            }
        }
    }
}
