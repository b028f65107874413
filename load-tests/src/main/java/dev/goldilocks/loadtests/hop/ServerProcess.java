package dev.goldilocks.loadtests.hop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One build's {@link HopServers} in a child JVM: its ports, and the commands it answers. Several builds (this
 * one, and baselines built from other revisions) run side by side, so that each is measured under the same
 * load of the machine.
 */
final class ServerProcess implements AutoCloseable {

    /** What the servers used since the last reading. */
    record Used(long cpuNanos, long allocatedBytes) {
    }

    final String build;
    final int rawPort;
    final int workerPort;
    final int gatewayPort;
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    private ServerProcess(String build, Process process, BufferedReader out, PrintWriter in, int[] ports) {
        this.build = build;
        this.process = process;
        this.out = out;
        this.in = in;
        this.rawPort = ports[0];
        this.workerPort = ports[1];
        this.gatewayPort = ports[2];
    }

    /** Starts the servers of the build whose load-tests jar (with lib/ beside it) is {@code jar}. */
    static ServerProcess start(String build, Path jar, Path models) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dgoldilocks.models=" + models.toAbsolutePath(), "-cp", jar.toAbsolutePath().toString(),
                HopServers.class.getName()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(HopServers.READY + " ")) {
                String[] w = line.split(" ");
                return new ServerProcess(build, process, out, in, new int[] {Integer.parseInt(w[1]),
                        Integer.parseInt(w[2]), Integer.parseInt(w[3])});
            }
            System.out.println("[" + build + "] " + line);
        }
        process.destroyForcibly();
        throw new IOException(build + ": the servers ended before they were ready (exit " + process.exitValue() + ")");
    }

    /** CPU time and allocated bytes of the servers' process so far. */
    synchronized Used used() throws IOException {
        String[] w = ask("usage").split(" ");
        return new Used(Long.parseLong(w[1]), Long.parseLong(w[2]));
    }

    synchronized void jfrStart(String name) throws IOException {
        ask("jfr-start " + name);
    }

    synchronized void jfrStop(Path jfr, Path summary, long calls, long allocatedBytes) throws IOException {
        ask("jfr-stop " + jfr.toAbsolutePath() + " " + summary.toAbsolutePath() + " " + calls + " " + allocatedBytes);
    }

    private String ask(String command) throws IOException {
        in.println(command);
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("usage ") || line.equals("ok")) {
                return line;
            }
            if (line.startsWith("unknown command")) {
                throw new IOException(build + ": " + line);
            }
            System.out.println("[" + build + "] " + line); // the servers' own output
        }
        throw new IOException(build + ": the servers' process ended");
    }

    @Override
    public void close() throws InterruptedException {
        in.close(); // the servers drain and exit when their stdin closes
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
