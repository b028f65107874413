package dev.goldilocks.loadtests.loadgen;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./goldilocks loadgen}: an open-loop load test of a gateway on this machine. */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open-loop load test of a Goldilocks gateway on this machine (loopback only): requests at"
                + " scheduled Poisson or gamma arrival times, never waiting for earlier answers; latency from each"
                + " request's intended send time; goodput under the SLOs given; every status counted.",
            "Writes OUT.json, OUT.md and OUT.svg (latency and goodput against offered load). Exits 1 when a run had"
                + " no successful request, 2 on a bad option."})
public final class LoadGenCommand implements Callable<Integer> {

    @Option(names = "--target", defaultValue = "127.0.0.1:8080", description = "Gateway host:port, loopback only (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--rate", defaultValue = "4", split = ",",
            description = "Offered load, requests per second; several (2,4,8) run one after another (default: ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--policy", split = ",", description = "Routing policy to ask for; several run side by side on"
            + " the same arrivals and prompts (default: the gateway's).")
    List<String> policies;

    @Option(names = "--api-key", defaultValue = "${env:GOLDILOCKS_API_KEY}",
            description = "API key, when the gateway requires one (default: $GOLDILOCKS_API_KEY).")
    String apiKey;

    @Option(names = "--tls-ca", description = "Connect with TLS, verifying the gateway against this CA (PEM).")
    Path tlsCa;

    @Option(names = "--out", defaultValue = "${env:GOLDILOCKS_RESULTS:-load-tests/results}/loadgen",
            description = "Results path without extension (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    TrafficOptions traffic;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoopbackTarget gateway = LoopbackTarget.parse(target);
        PromptSet prompts = traffic.prompts();
        List<Optional<String>> chosen = policies == null || policies.isEmpty() ? List.of(Optional.empty())
                : policies.stream().map(String::trim).map(Optional::of).toList();
        LoadPlan plan = traffic.plan(rates, chosen, prompts);
        System.err.printf("loadgen: %s, at most %.0f s in all%n", gateway, plan.worstCaseSeconds());
        ManagedChannel channel = gateway.channel(Optional.ofNullable(apiKey), Optional.ofNullable(tlsCa));
        try {
            List<StepResult> steps = new LoadTest(channel, prompts, System.err, OptionalDouble::empty).run(plan);
            var setup = TrafficOptions.describe(plan, traffic.sources);
            setup.put("target", gateway.toString());
            new LoadReport("Load test", "./goldilocks loadgen " + String.join(" ", redactedArgs()), setup,
                    plan.slo(), steps).write(out);
            return steps.stream().allMatch(s -> s.ok() > 0) ? 0 : 1;
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** The arguments as given, for the results file, with the API key's value left out. */
    private List<String> redactedArgs() {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith("--api-key=")) {
                args.set(i, "--api-key=***");
            } else if (args.get(i).equals("--api-key") && i + 1 < args.size()) {
                args.set(++i, "***");
            }
        }
        return args;
    }

    static CommandLine commandLine() {
        return Commands.of(new LoadGenCommand(), "loadgen");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
