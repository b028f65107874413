package dev.goldilocks.gateway.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The command-line tools the deploy tests run (Debian's promtool, prometheus and kubectl), and running them. */
final class Tools {

    /** What a command printed, and its exit status. */
    record Result(int code, String out, String err) {
        String both() {
            return out + err;
        }
    }

    private Tools() {
    }

    /**
     * The executable {@code name} on the PATH; fails, naming the Debian package, when it is missing
     * (./run-tests installs them).
     */
    static Path require(String name, String debianPackage) {
        return find(name).orElseThrow(() -> new AssertionError(name + " is not installed: install Debian's "
                + debianPackage + " package (./run-tests does so when it is missing)"));
    }

    static Optional<Path> find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs a command to its end (or fails after {@code timeout}), capturing its output. */
    static Result run(Duration timeout, Path workingDir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("deploy-tool", ".out");
        Path err = Files.createTempFile("deploy-tool", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(workingDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
