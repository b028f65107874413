package dev.goldilocks.gateway.cli;

import dev.goldilocks.gateway.AllInOne;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "All-in-one: the gateway and two workers (generic; specialists) in one process, on the demo models.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--models", description = "Folder with manifest.json and the models (default: $GOLDILOCKS_MODELS or ./models).")
    Path models;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Gateway gRPC port; 0 for any (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--metrics-port", defaultValue = "9090",
            description = "Prometheus /metrics port of the whole process; 0 for any, -1 for none (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--openai-port", defaultValue = "8000",
            description = "OpenAI-compatible HTTP port (/v1/chat/completions, /v1/completions, /v1/models); 0 for any,"
                    + " -1 for none (default: ${DEFAULT-VALUE}).")
    int openAiPort;

    @Option(names = "--probes-per-second", defaultValue = "0.5",
            description = "Held-out items probed per second, on every candidate model; 0 for none (default: ${DEFAULT-VALUE}).")
    double probesPerSecond;

    @Option(names = "--exploration-floor", defaultValue = "" + AllInOne.EXPLORATION_FLOOR,
            description = "Share of requests the deterministic routing policies send to the other candidate model, so "
                    + "the decision log can score other policies off-policy; 0 for none, at most 0.5 (default: ${DEFAULT-VALUE}).")
    double explorationFloor;

    @Option(names = "--data-dir", defaultValue = "${env:GOLDILOCKS_DATA:-data}",
            description = "Directory for the decision log (DuckDB) and the request id key, created when missing, so"
                    + " history survives restarts (default: $GOLDILOCKS_DATA or ./data, here ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--no-decision-log", description = "Log no routing decisions (nothing is written to --data-dir).")
    boolean noDecisionLog;

    @Override
    public Integer call() throws Exception {
        Path dir = models != null ? models : Path.of(System.getenv().getOrDefault("GOLDILOCKS_MODELS", "models"));
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            System.err.println("serve: no manifest.json in " + dir.toAbsolutePath() + " (use --models)");
            return 2;
        }
        if (!(explorationFloor >= 0 && explorationFloor <= 0.5)) {
            System.err.println("serve: --exploration-floor must be between 0 and 0.5, got " + explorationFloor);
            return 2;
        }
        AllInOne.Options options = new AllInOne.Options(probesPerSecond, explorationFloor, openAiPort,
                noDecisionLog ? Optional.empty() : Optional.of(dataDir), false);
        AllInOne all = AllInOne.start(dir, host, port, metricsPort, options);
        DrainOnSignal drain = DrainOnSignal.install(all::close);
        System.out.printf("Goldilocks all-in-one is serving.%n"
                + "  gateway (public API): %s:%d%n"
                + "  worker, generic model: %s:%d%n"
                + "  worker, specialists:   %s:%d%n"
                + "  metrics (Prometheus):  %s%n"
                + "  OpenAI-compatible API: %s%n"
                + "  decision log:          %s%n"
                + "  no API keys: the all-in-one is for loopback use.%n"
                + "Try: ./goldilocks ask --target %s:%d \"What is 47 + 38?\"%n",
                host, all.gatewayPort(), host, all.genericWorkerPort(), host, all.specialistWorkerPort(),
                all.metricsPort() < 0 ? "none" : "http://" + host + ":" + all.metricsPort() + "/metrics",
                all.openAiUrl() != null ? all.openAiUrl() : "off (--openai-port -1)",
                noDecisionLog ? "off (--no-decision-log)"
                        : "DuckDB in " + dataDir.toAbsolutePath().normalize() + " (./goldilocks log tail)",
                host, all.gatewayPort());
        System.out.flush();
        drain.await();
        return 0;
    }
}
