package dev.goldilocks.loadtests.hop;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How paths are measured side by side. Latency: one call in flight, the paths taking turns in rounds so that
 * a machine that gets busier or quieter during the run shifts every path alike. Throughput: a closed loop of
 * many calls in flight (a call that ends starts the next), the paths taking turns in rounds too.
 */
final class Runs {

    private Runs() {
    }

    /**
     * Calls every path {@code warmUp} times (times its share) one at a time, then keeps {@code inFlight} of its
     * calls in flight for {@code seconds} (times its share), unmeasured: the connections, and the JIT compiler,
     * which on a busy two-core machine took some 30,000 calls (about a minute) to settle.
     */
    static void warmUp(List<Probe> probes, int warmUp, int inFlight, double seconds)
            throws InterruptedException, IOException {
        for (Probe probe : probes) {
            int n = Math.max(1, (int) (warmUp * probe.share()));
            for (int i = 0; i < n; i++) {
                probe.blocking().run();
            }
            closedLoop(probe, new PathResult(), inFlight, seconds * probe.share());
        }
    }

    /** {@code calls} calls of each path (times its share), one at a time, in {@code rounds} turns. */
    static void latency(List<Probe> probes, Map<Probe, PathResult> results, int calls, int rounds)
            throws IOException {
        for (int round = 0; round < rounds; round++) {
            for (Probe probe : probes) {
                int n = Math.max(1, (int) (calls * probe.share() / rounds));
                PathResult result = results.get(probe);
                ServerProcess.Used start = probe.servers().used();
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    try {
                        probe.blocking().run();
                    } catch (RuntimeException e) {
                        result.failed(e);
                        continue;
                    }
                    result.latency.recordValue(System.nanoTime() - t0);
                }
                result.add(since(probe.servers().used(), start));
            }
        }
    }

    /**
     * Every path with {@code inFlight} calls in flight, taking turns in {@code rounds} rounds of
     * {@code seconds / rounds} each: the calls that ended OK per second of measured time, and what they cost.
     */
    static void throughput(List<Probe> probes, Map<Probe, PathResult> results, int inFlight, double seconds,
                           int rounds) throws InterruptedException, IOException {
        Map<Probe, Long> nanos = new java.util.HashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Probe probe : probes) {
                nanos.merge(probe, closedLoop(probe, results.get(probe), inFlight, seconds / rounds), Long::sum);
            }
        }
        probes.forEach(p -> results.get(p).requestsPerSecond = results.get(p).throughputCalls / (nanos.get(p) / 1e9));
    }

    /**
     * {@code inFlight} calls of the path kept in flight for {@code seconds}: adds the calls that ended OK in
     * that time and what they cost to {@code result}, waits for the rest to end, and returns the time measured.
     */
    static long closedLoop(Probe probe, PathResult result, int inFlight, double seconds)
            throws InterruptedException, IOException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(true);
        AtomicLong completed = new AtomicLong();
        AtomicInteger outstanding = new AtomicInteger();
        CountDownLatch drained = new CountDownLatch(1);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            outstanding.incrementAndGet();
            probe.start(failure -> {
                if (failure != null) {
                    result.failed(failure);
                } else if (measuring.get()) {
                    completed.incrementAndGet();
                }
                if (running.get()) {
                    next[0].run();
                }
                if (outstanding.decrementAndGet() == 0 && !running.get()) {
                    drained.countDown();
                }
            });
        };
        ServerProcess.Used start = probe.servers().used();
        long t0 = System.nanoTime();
        for (int i = 0; i < inFlight; i++) {
            next[0].run();
        }
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        long elapsed = System.nanoTime() - t0;
        ServerProcess.Used used = since(probe.servers().used(), start);
        running.set(false);
        if (outstanding.get() > 0 && !drained.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(probe.name() + ": calls still outstanding 60 s after the run");
        }
        result.throughputCalls += completed.get();
        result.throughputCpuNanos += used.cpuNanos();
        result.throughputAllocatedBytes += used.allocatedBytes();
        return elapsed;
    }

    private static ServerProcess.Used since(ServerProcess.Used end, ServerProcess.Used start) {
        return new ServerProcess.Used(end.cpuNanos() - start.cpuNanos(),
                Math.max(0, end.allocatedBytes() - start.allocatedBytes()));
    }
}
