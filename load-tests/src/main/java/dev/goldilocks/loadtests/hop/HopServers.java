package dev.goldilocks.loadtests.hop;

import dev.goldilocks.gateway.AllInOne;
import dev.goldilocks.gateway.GatewayServer;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.gateway.security.ApiKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The servers the hop benchmark measures, in a process of their own (started by {@link ServerProcess}): the raw
 * echo, the all-in-one with echo models, and a gateway with the benchmark's settings in front of its workers.
 * It prints their ports, then answers commands on stdin until stdin closes:
 * <ul>
 *   <li>{@code usage}: this process's CPU nanoseconds and the bytes its threads allocated so far;</li>
 *   <li>{@code jfr-start NAME} and {@code jfr-stop JFR_FILE SUMMARY_FILE CALLS BYTES}: a Java Flight Recorder
 *       recording, written with its per-call summary.</li>
 * </ul>
 */
public final class HopServers {

    static final String API_KEY = "hop-benchmark-key";
    static final String READY = "hop-servers";

    private HopServers() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        try (RawEcho raw = RawEcho.start();
             AllInOne all = AllInOne.start(models, "127.0.0.1", 0, -1, new AllInOne.Options(0, 0, -1).withEcho())) {
            GatewayServer gateway = GatewayServer.start(gatewayConfig(all.gatewayConfig()));
            try {
                System.out.println(READY + " " + raw.port() + " " + all.specialistWorkerPort() + " " + gateway.port());
                System.out.flush();
                serve();
            } finally {
                gateway.close();
            }
        }
    }

    private static void serve() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        JfrProfile jfr = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "usage" -> {
                    Usage u = Usage.now();
                    System.out.println("usage " + u.cpuNanos + " " + u.allocatedBytes);
                }
                case "jfr-start" -> {
                    jfr = JfrProfile.start(w[1]);
                    System.out.println("ok");
                }
                case "jfr-stop" -> {
                    String summary = jfr.stop(Path.of(w[1]), Long.parseLong(w[3]), Long.parseLong(w[4]));
                    Files.writeString(Path.of(w[2]), summary);
                    jfr = null;
                    System.out.println("ok");
                }
                default -> System.out.println("unknown command " + w[0]);
            }
            System.out.flush();
        }
    }

    /**
     * The all-in-one's own gateway settings (its routing, limits and prices) with an API key, as a production
     * gateway has, and each model's concurrency limit held at 256 (an adaptive algorithm pinned by min = max),
     * so that no call is refused at the benchmark's load: the run measures the path, not the limiter's choice.
     */
    private static GatewayConfig gatewayConfig(GatewayConfig allInOne) {
        return allInOne.withPort(0).withMetricsPort(-1)
                .withApiKeys(List.of(new ApiKey("hop-benchmark", ApiKey.hash(API_KEY), 1e6)))
                .withDispatch(DispatchSettings.defaults().withModelLimit(
                        new ModelLimitSettings(ModelLimitSettings.GRADIENT2, 256, 256, 256)));
    }
}
