package dev.goldilocks.gateway.cli;

import dev.goldilocks.gateway.decisions.EvaluationText;
import dev.goldilocks.gateway.quality.ReportJson;
import dev.goldilocks.proto.v1.EvaluateRequest;
import dev.goldilocks.proto.v1.EvaluateResponse;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Estimates from the decision log what a routing policy would have got (quality, cost and"
                + " latency per request, per domain) with IPS, SNIPS and doubly robust estimation, beside what the"
                + " logging policy got; through the gateway's admin API.",
            "Example: goldilocks evaluate --policy threshold --set tau=0.9 --since 24h --domain math"})
final class EvaluateCommand implements Callable<Integer> {

    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

    @Mixin
    GatewayClient gateway;

    @Option(names = "--policy", required = true,
            description = "The target policy: generic-only, specialist-by-domain, threshold, utility or bandit.")
    String policy;

    @Option(names = "--set", description = "A setting of the target, key=value (repeatable), e.g. tau=0.9,"
            + " exploration_floor=0; the rest as configured.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--since", defaultValue = "24h", description = "The window: decisions of the last 90s, 30m, 24h,"
            + " 7d... (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--domain", defaultValue = "", description = "Only this domain.")
    String domain;

    @Option(names = "--level", defaultValue = "0.95", description = "Level of the intervals (default: ${DEFAULT-VALUE}).")
    double level;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Matcher m = DURATION.matcher(since.strip());
        if (!m.matches()) {
            System.err.println("evaluate: --since must look like 90s, 30m, 24h or 7d, got " + since);
            return 2;
        }
        Duration window = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(Long.parseLong(m.group(1)));
            case "m" -> Duration.ofMinutes(Long.parseLong(m.group(1)));
            case "h" -> Duration.ofHours(Long.parseLong(m.group(1)));
            default -> Duration.ofDays(Long.parseLong(m.group(1)));
        };
        ManagedChannel channel = gateway.channel();
        try {
            EvaluateResponse r = GoldilocksAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES)
                    .evaluate(EvaluateRequest.newBuilder().setPolicy(policy).putAllSettings(settings)
                            .setSinceSeconds(Math.max(1, window.toSeconds())).setDomain(domain).setLevel(level).build());
            System.out.println(json ? ReportJson.of(r) : EvaluationText.of(r));
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
