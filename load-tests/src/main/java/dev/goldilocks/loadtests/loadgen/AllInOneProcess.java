package dev.goldilocks.loadtests.loadgen;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The all-in-one ({@code goldilocks serve}) as a process of its own, on an ephemeral port, with probes and
 * shadow traffic off: what is measured is the server alone, and its CPU time can be read apart from the load
 * generator's. Closing it sends SIGTERM (it drains) and waits for it to exit; so does the benchmark's own exit
 * (Ctrl-C must not leave the server running).
 */
final class AllInOneProcess implements AutoCloseable {

    private static final Pattern GATEWAY_LINE = Pattern.compile("gateway \\(public API\\): (\\S+):(\\d+)");
    private static final long START_TIMEOUT_SECONDS = 300;
    private static final long POLL_MILLIS = 200;

    private final Process process;
    private final int port;
    private final Thread stopOnExit;

    private AllInOneProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        this.stopOnExit = new Thread(this::stop, "stop-all-in-one");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts it with this JVM's classpath (which holds the gateway) and waits until it serves; output to {@code log}. */
    static AllInOneProcess start(Path models, Path log) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.goldilocks.gateway.cli.Main", "serve", "--models", models.toAbsolutePath().toString(),
                "--host", "127.0.0.1", "--port", "0", "--metrics-port", "-1", "--probes-per-second", "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            AllInOneProcess server = new AllInOneProcess(process, awaitPort(process, log));
            server.awaitServing();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The gateway's port, from the line `serve` prints once it listens. */
    private static int awaitPort(Process process, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            Matcher m = GATEWAY_LINE.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(2));
            }
            if (!process.isAlive()) {
                throw new IOException("the all-in-one exited with status " + process.exitValue() + "; see " + log);
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new IOException("the all-in-one did not start within " + START_TIMEOUT_SECONDS + " s; see " + log);
    }

    private void awaitServing() throws IOException, InterruptedException {
        ManagedChannel channel = new LoopbackTarget("127.0.0.1", port).channel(Optional.empty(), Optional.empty());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (System.nanoTime() < deadline) {
                try {
                    HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance());
                    if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                } catch (StatusRuntimeException e) {
                    // not listening or still loading: ask again
                }
                Thread.sleep(POLL_MILLIS);
            }
            throw new IOException("the all-in-one did not report SERVING within " + START_TIMEOUT_SECONDS + " s");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    int port() {
        return port;
    }

    /** CPU time (user and system) the process has used so far, when the platform reports it. */
    OptionalDouble cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(d -> OptionalDouble.of(d.toNanos() / 1e9))
                .orElse(OptionalDouble.empty());
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook stops the server
        }
        stop();
    }

    private void stop() {
        process.destroy(); // SIGTERM: it drains, then exits
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
