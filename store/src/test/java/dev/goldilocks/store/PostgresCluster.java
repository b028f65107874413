package dev.goldilocks.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests, from Debian's postgresql package: initdb in a temporary
 * directory, started with pg_ctl on a free port on 127.0.0.1 with its unix socket in that directory,
 * password authentication over TCP, and everything deleted on {@link #close}. initdb refuses to run as
 * root, so as root the cluster belongs to the package's {@code postgres} user and runs under it
 * ({@code runuser}); the files stay in the temporary directory.
 */
public final class PostgresCluster implements AutoCloseable {

    static final String USER = "goldilocks";
    static final String PASSWORD = "test-only-password";
    private static final Path INSTALL = Path.of("/usr/lib/postgresql");

    private final Path dir;
    private final Path bin;
    private final boolean asPostgresUser;
    private final AtomicInteger databases = new AtomicInteger();
    private final Thread stopAtExit = new Thread(this::stopQuietly, "stop-test-postgresql");
    private int port;
    private boolean running;

    private PostgresCluster(Path dir, Path bin, boolean asPostgresUser) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgresUser = asPostgresUser;
    }

    public static PostgresCluster start() throws IOException, InterruptedException {
        Path bin = serverBinaries();
        Path dir = Files.createTempDirectory("goldilocks-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        PostgresCluster cluster = new PostgresCluster(dir, bin, root);
        Files.writeString(dir.resolve("pwfile"), PASSWORD + "\n");
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        cluster.pg(List.of("initdb", "-D", dir.resolve("data").toString(), "-U", USER, "--pwfile=" + dir.resolve("pwfile"),
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"));
        Runtime.getRuntime().addShutdownHook(cluster.stopAtExit);
        for (int attempt = 1; ; attempt++) {
            cluster.port = freePort();
            try {
                cluster.startServer();
                return cluster;
            } catch (IOException e) {
                if (attempt == 3) { // another process may take the free port before the server binds it
                    cluster.close();
                    throw e;
                }
            }
        }
    }

    /** A JDBC URL of a new, empty database on this cluster. */
    public String newDatabase() throws SQLException {
        String name = "test_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A credentials file for the decision log's settings. */
    public Path credentialsFile() throws IOException {
        Path file = dir.resolve("credentials.yaml");
        Files.writeString(file, "user: " + USER + "\npassword: " + PASSWORD + "\n");
        return file;
    }

    /** Kills the server as a crash would (pg_ctl stop -m immediate): connections break at once. */
    void kill() throws IOException, InterruptedException {
        pg(List.of("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        running = false;
    }

    /** Starts the server again on the same port. */
    void restart() throws IOException, InterruptedException {
        startServer();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stopQuietly();
        Runtime.getRuntime().removeShutdownHook(stopAtExit);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void startServer() throws IOException, InterruptedException {
        String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c shared_buffers=16MB -c max_connections=40";
        pg(List.of("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "120", "start"));
        running = true;
    }

    private void stopQuietly() {
        if (!running) {
            return;
        }
        try {
            pg(List.of("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"));
            running = false;
        } catch (IOException | InterruptedException e) {
            System.err.println("could not stop the test PostgreSQL in " + dir + ": " + e);
        }
    }

    private void pg(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.add(bin.resolve(command.get(0)).toString());
        full.addAll(command.subList(1, command.size()));
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // pg_ctl start leaves the server running with our pipe: read only what the command itself prints
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static Path serverBinaries() throws IOException {
        if (Files.isDirectory(INSTALL)) {
            try (Stream<Path> versions = Files.list(INSTALL)) {
                List<Path> found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .sorted(Comparator.comparing(b -> versionOf(b.getParent()))).toList();
                if (!found.isEmpty()) {
                    return found.get(found.size() - 1);
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL server under " + INSTALL + "/*/bin: install Debian's postgresql"
                + " package (./run-tests does it when missing)");
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
