package dev.goldilocks.loadtests.hop;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** What one path measured in one mode: latency at one call in flight, and throughput at many. */
final class PathResult {

    /** Latency in nanoseconds, of calls made one at a time after the warm-up. */
    final Histogram latency = new Histogram(3);
    /** Non-OK statuses seen, by code. */
    final Map<String, Long> errors = new TreeMap<>();
    /** What the servers' process used for those calls. */
    long cpuNanos;
    long allocatedBytes;
    /** Calls completed OK per second with many in flight, and what they cost. */
    double requestsPerSecond;
    long throughputCalls;
    long throughputCpuNanos;
    long throughputAllocatedBytes;

    void add(ServerProcess.Used used) {
        cpuNanos += used.cpuNanos();
        allocatedBytes += used.allocatedBytes();
    }

    synchronized void failed(Throwable t) {
        errors.merge(Status.fromThrowable(t).getCode().name(), 1L, Long::sum);
    }

    double p50Micros() {
        return latency.getValueAtPercentile(50) / 1e3;
    }

    double p99Micros() {
        return latency.getValueAtPercentile(99) / 1e3;
    }

    double cpuMicrosPerCall() {
        return latency.getTotalCount() == 0 ? 0 : cpuNanos / 1e3 / latency.getTotalCount();
    }

    double kilobytesPerCall() {
        return latency.getTotalCount() == 0 ? 0 : allocatedBytes / 1024.0 / latency.getTotalCount();
    }

    double throughputCpuMicrosPerCall() {
        return throughputCalls == 0 ? 0 : throughputCpuNanos / 1e3 / throughputCalls;
    }

    double throughputKilobytesPerCall() {
        return throughputCalls == 0 ? 0 : throughputAllocatedBytes / 1024.0 / throughputCalls;
    }
}
