package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's chromium, headless: what a browser makes of a page (a screenshot and the DOM after rendering). */
final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Path profile;

    HeadlessChromium() throws IOException {
        assertThat(CHROMIUM).as("Debian's chromium package (run-tests installs it)").exists();
        profile = Files.createTempDirectory("chromium-profile");
    }

    /** A screenshot of {@code url} at 1000 x {@code height} pixels; its size says whether anything was drawn. */
    Path screenshot(String url, int height) throws IOException, InterruptedException {
        Path shot = profile.resolve("page-" + System.nanoTime() + ".png");
        String log = run(List.of("--window-size=1000," + height, "--screenshot=" + shot, "--virtual-time-budget=3000",
                url));
        assertThat(shot).as(log).exists();
        return shot;
    }

    /** The DOM of {@code url} after the browser rendered it. */
    String dom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
