package dev.goldilocks.loadtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** A Markdown results file: what was run, on what, and the tables. */
public final class Report {

    private final StringBuilder text = new StringBuilder();

    public Report(String title, String command) {
        text.append("# ").append(title).append("\n\n")
                .append("Produced by `").append(command).append("` on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", ")
                .append(System.getProperty("os.name")).append(" ").append(System.getProperty("os.arch"))
                .append(". Absolute times drift on shared machines; compare the ratios, which are measured side by"
                        + " side in one run.\n");
    }

    public Report section(String heading, String description) {
        text.append("\n## ").append(heading).append("\n\n").append(description).append("\n\n");
        return this;
    }

    public Report row(Object... cells) {
        text.append("|");
        for (Object cell : cells) {
            text.append(' ').append(cell).append(" |");
        }
        text.append('\n');
        return this;
    }

    public Report header(String... cells) {
        row((Object[]) cells);
        text.append("|").append("---|".repeat(cells.length)).append('\n');
        return this;
    }

    /** The load average over 1, 5 and 15 minutes (Linux), to say how busy the machine was. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text.toString());
        System.out.println(text);
        System.out.println("written to " + file);
    }
}
