package dev.goldilocks.loadtests.hop;

import static dev.goldilocks.loadtests.hop.HopBenchmark.GATEWAY;
import static dev.goldilocks.loadtests.hop.HopBenchmark.RAW;
import static dev.goldilocks.loadtests.hop.HopBenchmark.RAW_WORKER;
import static dev.goldilocks.loadtests.hop.HopBenchmark.THIS_BUILD;
import static dev.goldilocks.loadtests.hop.HopBenchmark.WORKER;

import dev.goldilocks.loadtests.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The hop benchmark's tables, its targets as ratios of the run's own floors, and its JSON. */
final class HopTables {

    private HopTables() {
    }

    static void table(Report report, String mode, Map<Probe, PathResult> measured, int inFlight) {
        PathResult floor = measured.values().iterator().next();
        report.section("Latency and throughput, " + mode, "");
        report.header("path", "p50 µs", "p99 µs", "server CPU µs per call", "server KB per call",
                "requests/s at " + inFlight + " in flight", "share of the raw echo's", "server CPU µs per call there",
                "failed calls");
        measured.forEach((probe, r) -> report.row(probe.name(), f0(r.p50Micros()), f0(r.p99Micros()),
                f0(r.cpuMicrosPerCall()), f1(r.kilobytesPerCall()), f0(r.requestsPerSecond),
                pct(r.requestsPerSecond / floor.requestsPerSecond), f0(r.throughputCpuMicrosPerCall()),
                r.errors.isEmpty() ? "0" : r.errors.toString()));
    }

    /** The worker and gateway paths of every build, side by side (measured in the same rounds). */
    static void byBuild(Report report, String mode, Map<Probe, PathResult> measured, int inFlight) {
        report.section("Builds side by side, " + mode, "The same paths of each build's servers, measured in the same"
                + " rounds; CPU and allocation are the servers' process's.");
        report.header("path", "build", "p50 µs", "p99 µs", "server CPU µs per call", "server KB per call",
                "server CPU µs per call at " + inFlight + " in flight", "requests/s at " + inFlight + " in flight");
        for (String role : List.of(WORKER, GATEWAY)) {
            measured.forEach((probe, r) -> {
                if (probe.role().equals(role)) {
                    report.row(role, probe.build(), f0(r.p50Micros()), f0(r.p99Micros()), f0(r.cpuMicrosPerCall()),
                            f1(r.kilobytesPerCall()), f0(r.throughputCpuMicrosPerCall()), f0(r.requestsPerSecond));
                }
            });
        }
    }

    /** The targets as ratios of this run's own floors, for this build. */
    static List<Map<String, Object>> targets(Report report, String mode, Map<Probe, PathResult> measured) {
        Map<String, PathResult> self = new LinkedHashMap<>();
        measured.forEach((probe, r) -> {
            if (probe.build().equals(THIS_BUILD)) {
                self.put(probe.role(), r);
            }
        });
        PathResult rawPublic = self.get(RAW);
        PathResult rawWorker = self.get(RAW_WORKER);
        PathResult worker = self.get(WORKER);
        PathResult gateway = self.get(GATEWAY);
        List<Map<String, Object>> out = new ArrayList<>();
        report.section("Targets, " + mode, "A raw hop is the raw echo's latency for the same call (the worker API's"
                + " Generate for the worker, the public API's call for the gateway).");
        report.header("target", "measured", "limit", "met");
        target(report, out, "worker p50 over the raw echo, in raw hops (p50)",
                (worker.p50Micros() - rawWorker.p50Micros()) / rawWorker.p50Micros(), 1.0);
        target(report, out, "gateway p50 over the direct worker call, in raw hops (p50)",
                (gateway.p50Micros() - worker.p50Micros()) / rawPublic.p50Micros(), 1.5);
        target(report, out, "gateway p99 over the direct worker call, in raw hops (p99)",
                (gateway.p99Micros() - worker.p99Micros()) / rawPublic.p99Micros(), 3.0);
        double share = gateway.requestsPerSecond / rawPublic.requestsPerSecond;
        report.row("gateway + worker requests/s, share of the raw echo's", pct(share), "at least 40%",
                share >= 0.4 ? "yes" : "**no**");
        out.add(Map.of("target", "gateway + worker requests/s, share of the raw echo's", "measured", share,
                "at_least", 0.4, "met", share >= 0.4));
        return out;
    }

    private static void target(Report report, List<Map<String, Object>> out, String name, double measured, double limit) {
        report.row(name, String.format("%.2f", measured), "at most " + limit, measured <= limit ? "yes" : "**no**");
        out.add(Map.of("target", name, "measured", measured, "at_most", limit, "met", measured <= limit));
    }

    static Map<String, Object> toJson(Map<Probe, PathResult> measured) {
        Map<String, Object> out = new LinkedHashMap<>();
        measured.forEach((probe, r) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", probe.role());
            m.put("build", probe.build());
            m.put("calls", r.latency.getTotalCount());
            m.put("p50_us", r.p50Micros());
            m.put("p90_us", r.latency.getValueAtPercentile(90) / 1e3);
            m.put("p99_us", r.p99Micros());
            m.put("mean_us", r.latency.getMean() / 1e3);
            m.put("server_cpu_us_per_call", r.cpuMicrosPerCall());
            m.put("server_kb_allocated_per_call", r.kilobytesPerCall());
            m.put("requests_per_second", r.requestsPerSecond);
            m.put("throughput_calls", r.throughputCalls);
            m.put("throughput_server_cpu_us_per_call", r.throughputCpuMicrosPerCall());
            m.put("throughput_server_kb_allocated_per_call", r.throughputKilobytesPerCall());
            m.put("errors", r.errors);
            out.put(probe.name(), m);
        });
        return out;
    }

    static String f0(double v) {
        return String.format("%.0f", v);
    }

    static String f1(double v) {
        return String.format("%.1f", v);
    }

    static String pct(double v) {
        return String.format("%.0f%%", 100 * v);
    }
}
