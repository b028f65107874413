package dev.goldilocks.loadtests.hop;

import java.lang.management.ManagementFactory;

/**
 * This process's CPU time and the bytes its threads allocated, read before and after a stretch of calls: per
 * call they say what a path costs whatever the other processes on the machine do to its latency.
 */
final class Usage {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    final long cpuNanos;
    final long allocatedBytes;

    private Usage(long cpuNanos, long allocatedBytes) {
        this.cpuNanos = cpuNanos;
        this.allocatedBytes = allocatedBytes;
    }

    static Usage now() {
        long allocated = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            allocated += Math.max(0, bytes); // -1 for a thread that ended meanwhile
        }
        return new Usage(OS.getProcessCpuTime(), allocated);
    }

}
