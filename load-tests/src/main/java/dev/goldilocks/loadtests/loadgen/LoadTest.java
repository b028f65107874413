package dev.goldilocks.loadtests.loadgen;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs a {@link LoadPlan} against one gateway and collects a {@link StepResult} per run. */
public final class LoadTest {

    private static final long CONNECT_SECONDS = 10;

    private final Channel channel;
    private final PromptSet prompts;
    private final PrintStream progress;
    private final Supplier<OptionalDouble> serverCpuSeconds;

    /**
     * @param serverCpuSeconds the server process's CPU time so far, when it can be read (each run then reports
     *                         what it used)
     */
    public LoadTest(Channel channel, PromptSet prompts, PrintStream progress, Supplier<OptionalDouble> serverCpuSeconds) {
        this.channel = channel;
        this.prompts = prompts;
        this.progress = progress;
        this.serverCpuSeconds = serverCpuSeconds;
    }

    public List<StepResult> run(LoadPlan plan) throws InterruptedException {
        connect();
        List<StepResult> results = new ArrayList<>();
        for (int step = 0; step < plan.rates().size(); step++) {
            ArrivalSchedule schedule = plan.schedule(step);
            List<Prompt> drawn = prompts.draw(schedule.size(), plan.mix(), plan.seed() + step);
            for (Optional<String> policy : plan.policies()) {
                results.add(runOnce(plan, policy, schedule, drawn));
            }
        }
        return results;
    }

    /** One run: the schedule with these prompts under one policy. */
    public StepResult runOnce(LoadPlan plan, Optional<String> policy, ArrivalSchedule schedule, List<Prompt> drawn)
            throws InterruptedException {
        String label = LoadPlan.label(policy);
        progress.printf("loadgen: %s at %.2f requests/s: %d requests over %.0f s...%n", label,
                schedule.ratePerSecond(), schedule.size(), plan.durationSeconds());
        OptionalDouble cpuBefore = serverCpuSeconds.get();
        LoadRun run = new LoadRun(channel, plan.shape().withPolicy(policy), plan.drainSeconds());
        LoadRun.Records records = run.run(schedule, drawn);
        run.feedbackSummary().ifPresent(f -> progress.printf("loadgen:   %s%n", f));
        OptionalDouble cpuAfter = serverCpuSeconds.get();
        StepResult result = StepResult.of(label, schedule, records, plan.slo());
        if (cpuBefore.isPresent() && cpuAfter.isPresent()) {
            result = result.withServerCpuSeconds(cpuAfter.getAsDouble() - cpuBefore.getAsDouble());
        }
        progress.printf("loadgen:   %d sent, %d OK, SLO met by %.1f%%, goodput %.2f/s, e2e p50 %s p99 %s, outcomes %s%n",
                result.sent(), result.ok(), 100 * result.sloAttainment(), result.goodput(), seconds(result.e2e().p50()),
                seconds(result.e2e().p99()), result.outcomes());
        return result;
    }

    /**
     * Opens the connection before the first run, so that its first requests do not wait for name resolution and
     * the TCP and HTTP/2 handshakes. Any answer will do (a server without health checks says UNIMPLEMENTED); a
     * gateway that cannot be reached is left for the runs to count.
     */
    private void connect() {
        try {
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(CONNECT_SECONDS, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            progress.printf("loadgen: health check before the first run: %s%n", e.getStatus().getCode());
        }
    }

    private static String seconds(Double s) {
        return s == null ? "-" : String.format("%.3f s", s);
    }
}
