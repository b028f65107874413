package dev.goldilocks.loadtests.hop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Java Flight Recorder recording of a stretch of calls, and what it says per call: where the CPU samples
 * fall (by thread pool, by method, by library), what is allocated and where, how often threads park (each
 * hand-off of a call from one thread to another wakes a parked thread) and which monitors are contended.
 * The .jfr file stays for `jfr print` / `jfr summary`.
 */
final class JfrProfile {

    /** Libraries and concerns a sample's stack may pass through, in the order the summary lists them. */
    private static final Map<String, List<String>> CONCERNS = concerns();
    private static final Pattern POOL_SUFFIX = Pattern.compile("([-#]\\d+)+$");
    private static final int TOP = 12;

    private final Recording recording;

    private JfrProfile(Recording recording) {
        this.recording = recording;
    }

    static JfrProfile start(String name) throws IOException, ParseException {
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.setName(name);
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(1));
        // every park and every contended monitor, however short: a hand-off is a few microseconds
        recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
        recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
        recording.enable("jdk.ObjectAllocationSample").with("throttle", "5000/s").withStackTrace();
        recording.start();
        return new JfrProfile(recording);
    }

    /**
     * Stops, writes the recording to {@code file} and summarizes it per call for {@code calls} calls during
     * which the process's threads allocated {@code allocatedBytes}.
     */
    String stop(Path file, long calls, long allocatedBytes) throws IOException {
        recording.stop();
        Files.createDirectories(file.getParent());
        recording.dump(file);
        recording.close();
        return summarize(file, calls, allocatedBytes);
    }

    static String summarize(Path file, long calls, long allocatedBytes) throws IOException {
        Set<Long> sampledThreads = new HashSet<>();
        Map<String, Long> samplesByPool = new HashMap<>();
        Map<String, Long> selfFrames = new HashMap<>();
        Map<String, Long> ourFrames = new HashMap<>();
        Map<String, Long> concerns = new HashMap<>();
        Map<String, Long> allocatedByClass = new HashMap<>();
        Map<String, Long> allocatedBySite = new HashMap<>();
        Map<String, Long> parksByPool = new HashMap<>();
        Map<String, Long> parksBySite = new HashMap<>();
        Map<String, Long> contendedMonitors = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        long parks = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            switch (e.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    samplesByPool.merge(pool(e.getThread("sampledThread")), 1L, Long::sum);
                    List<RecordedFrame> frames = frames(e.getStackTrace());
                    if (!frames.isEmpty()) {
                        selfFrames.merge(method(frames.get(0)), 1L, Long::sum);
                    }
                    Set<String> ours = new HashSet<>();
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame f : frames) {
                        String m = method(f);
                        if (m.startsWith("dev.goldilocks.") && !m.startsWith("dev.goldilocks.loadtests.")) {
                            ours.add(m);
                        }
                        CONCERNS.forEach((concern, prefixes) -> {
                            if (prefixes.stream().anyMatch(m::startsWith)) {
                                seen.add(concern);
                            }
                        });
                    }
                    ours.forEach(m -> ourFrames.merge(m, 1L, Long::sum));
                    seen.forEach(c -> concerns.merge(c, 1L, Long::sum));
                }
                case "jdk.ObjectAllocationSample" -> {
                    if (sampledThreads.add(e.getThread().getJavaThreadId())) {
                        continue; // a thread's first sample weighs all it allocated since it started
                    }
                    long weight = e.getLong("weight");
                    allocated += weight;
                    allocatedByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                    allocatedBySite.merge(site(e.getStackTrace()), weight, Long::sum);
                }
                case "jdk.ThreadPark" -> {
                    parks++;
                    parksByPool.merge(pool(e.getThread()), 1L, Long::sum);
                    parksBySite.merge(parkSite(e.getStackTrace()), 1L, Long::sum);
                }
                case "jdk.JavaMonitorEnter" -> contendedMonitors.merge(
                        e.getClass("monitorClass").getName() + " at " + site(e.getStackTrace()), 1L, Long::sum);
                default -> { }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%d calls; %d CPU samples; %.1f KB allocated per call (measured; the sampled"
                + " allocations share it out); %d thread parks.%n%n", calls, samples, allocatedBytes / 1024.0
                / Math.max(1, calls), parks));
        table(out, "CPU samples by thread pool", "thread pool", "share of samples", samplesByPool, samples, false, calls);
        Map<String, Long> orderedConcerns = new LinkedHashMap<>();
        CONCERNS.keySet().forEach(c -> orderedConcerns.put(c, concerns.getOrDefault(c, 0L)));
        table(out, "CPU samples whose stack passes through", "library or concern", "share of samples",
                orderedConcerns, samples, false, calls);
        table(out, "Hottest methods (self)", "method", "share of samples", selfFrames, samples, false, calls);
        table(out, "Goldilocks methods on the stack (inclusive)", "method", "share of samples", ourFrames, samples,
                false, calls);
        double bytesPerWeight = allocated == 0 ? 0 : allocatedBytes / (double) allocated;
        scale(allocatedByClass, bytesPerWeight);
        scale(allocatedBySite, bytesPerWeight);
        table(out, "Allocation by class", "class", "bytes per call", allocatedByClass, 0, true, calls);
        table(out, "Allocation by site (first Goldilocks or gRPC frame)", "site", "bytes per call", allocatedBySite,
                0, true, calls);
        table(out, "Thread parks by thread pool (each wake-up of a parked thread is a hand-off or an idle wait)",
                "thread pool", "parks per call", parksByPool, parks, true, calls);
        table(out, "Thread parks by site", "site", "parks per call", parksBySite, parks, true, calls);
        if (!contendedMonitors.isEmpty()) {
            table(out, "Contended monitors", "monitor", "entries per call", contendedMonitors, 0, true, calls);
        }
        return out.toString();
    }

    private static void table(StringBuilder out, String title, String what, String unit, Map<String, Long> counts,
                              long total, boolean perCall, long calls) {
        out.append("**").append(title).append("**\n\n| ").append(what).append(" | ").append(unit).append(" |\n|---|---|\n");
        List<Map.Entry<String, Long>> rows = new ArrayList<>(counts.entrySet());
        boolean ordered = counts instanceof LinkedHashMap;
        if (!ordered) {
            rows.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        }
        for (Map.Entry<String, Long> row : rows.subList(0, ordered ? rows.size() : Math.min(TOP, rows.size()))) {
            String value = perCall ? String.format(row.getValue() >= 100L * calls ? "%.0f" : "%.2f",
                    row.getValue() / (double) Math.max(1, calls))
                    : String.format("%.1f%%", 100.0 * row.getValue() / Math.max(1, total));
            out.append("| `").append(row.getKey()).append("` | ").append(value).append(" |\n");
        }
        out.append('\n');
    }

    private static void scale(Map<String, Long> weights, double factor) {
        weights.replaceAll((k, v) -> Math.round(v * factor));
    }

    /** Where a thread parked: the first frame above the JDK's park and lock machinery. */
    private static String parkSite(RecordedStackTrace stack) {
        for (RecordedFrame f : frames(stack)) {
            String m = method(f);
            if (!m.startsWith("jdk.internal.misc.") && !m.startsWith("java.util.concurrent.locks.")) {
                return m;
            }
        }
        return "(no stack)";
    }

    private static List<RecordedFrame> frames(RecordedStackTrace stack) {
        return stack == null ? List.of() : stack.getFrames();
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** The first frame in Goldilocks or gRPC code (what asked for the allocation or the park), else the top one. */
    private static String site(RecordedStackTrace stack) {
        List<RecordedFrame> frames = frames(stack);
        for (RecordedFrame f : frames) {
            String m = method(f);
            if ((m.startsWith("dev.goldilocks.") && !m.startsWith("dev.goldilocks.loadtests.")) || m.startsWith("io.grpc.")
                    && !m.startsWith("io.grpc.netty.shaded.io.netty.")) {
                return m;
            }
        }
        return frames.isEmpty() ? "(no stack)" : method(frames.get(0));
    }

    private static String pool(RecordedThread thread) {
        if (thread == null) {
            return "(unknown)";
        }
        String name = thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
        return POOL_SUFFIX.matcher(name).replaceAll("");
    }

    private static Map<String, List<String>> concerns() {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("Netty I/O (event loops, sockets, HTTP/2 frames)", List.of("io.grpc.netty.shaded.io.netty."));
        c.put("grpc-java (calls, stubs, interceptors, executors)", List.of("io.grpc."));
        c.put("protobuf (building, serializing, parsing)", List.of("com.google.protobuf."));
        c.put("Micrometer (meters)", List.of("io.micrometer."));
        c.put("HMAC and SHA (request ids, API keys)", List.of("javax.crypto.", "sun.security.", "com.sun.crypto."));
        c.put("SecureRandom", List.of("java.security.SecureRandom", "sun.security.provider.NativePRNG",
                "sun.security.provider.SecureRandom", "sun.security.provider.DRBG"));
        c.put("regular expressions", List.of("java.util.regex."));
        c.put("logging (SLF4J, Logback)", List.of("org.slf4j.", "ch.qos.logback."));
        c.put("String.format", List.of("java.lang.String.format", "java.util.Formatter"));
        c.put("Resilience4j (breakers, rate limiters)", List.of("io.github.resilience4j."));
        c.put("concurrency-limits", List.of("com.netflix.concurrency."));
        c.put("ONNX Runtime", List.of("ai.onnxruntime."));
        c.put("the router (classifier, policies)", List.of("dev.goldilocks.router."));
        c.put("thread hand-offs (park, unpark, executor queues)", List.of("java.util.concurrent.locks.LockSupport",
                "jdk.internal.misc.Unsafe.park", "jdk.internal.misc.Unsafe.unpark",
                "java.util.concurrent.ThreadPoolExecutor.execute", "java.util.concurrent.ArrayBlockingQueue"));
        return c;
    }
}
