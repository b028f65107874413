package dev.goldilocks.gateway.cli;

import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.Route;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Sends a prompt to a gateway, streams the answer, then prints route, usage and timing.")
final class AskCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The prompt.")
    String prompt;

    @Mixin
    GatewayClient gateway;

    @Option(names = "--model", description = "Pin a model and skip routing.")
    String model;

    @Option(names = "--domain", description = "Domain hint: code, legal, prose or math.")
    String domain;

    @Option(names = "--policy", description = "Routing policy to ask for.")
    String policy;

    @Option(names = "--max-new-tokens", description = "Most tokens to generate.")
    Integer maxNewTokens;

    @Option(names = "--temperature", description = "0 (default) is greedy.")
    Float temperature;

    @Option(names = "--top-p", description = "Nucleus sampling cut in (0, 1].")
    Float topP;

    @Option(names = "--top-k", description = "Keep the k most likely tokens.")
    Integer topK;

    @Option(names = "--seed", description = "Sampler seed, for reproducible sampling.")
    Long seed;

    @Option(names = "--stop", description = "Stop sequence (repeatable).")
    List<String> stop;

    @Option(names = "--deadline-seconds", defaultValue = "60", description = "Deadline of the call (default: ${DEFAULT-VALUE}).")
    double deadlineSeconds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ManagedChannel channel = gateway.channel();
        try {
            Iterator<GenerateChunk> chunks = GoldilocksGrpc.newBlockingStub(channel)
                    .withDeadlineAfter((long) (deadlineSeconds * 1000), TimeUnit.MILLISECONDS)
                    .generateStream(request());
            GenerateResponse last = null;
            while (chunks.hasNext()) {
                GenerateChunk chunk = chunks.next();
                out.print(chunk.getText());
                if (chunk.hasFinal()) {
                    last = chunk.getFinal();
                }
            }
            out.println();
            if (last != null) {
                printSummary(out, last);
            }
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private GenerateRequest request() {
        GenerationParams.Builder params = GenerationParams.newBuilder();
        if (maxNewTokens != null) {
            params.setMaxNewTokens(maxNewTokens);
        }
        if (temperature != null) {
            params.setTemperature(temperature);
        }
        if (topP != null) {
            params.setTopP(topP);
        }
        if (topK != null) {
            params.setTopK(topK);
        }
        if (seed != null) {
            params.setSeed(seed);
        }
        if (stop != null) {
            params.addAllStop(stop);
        }
        GenerateRequest.Builder request = GenerateRequest.newBuilder().setPrompt(prompt).setParams(params);
        if (model != null) {
            request.setModel(model);
        }
        if (domain != null) {
            request.setDomainHint(domain);
        }
        if (policy != null) {
            request.setPolicy(policy);
        }
        return request.build();
    }

    private static void printSummary(PrintStream out, GenerateResponse r) {
        Route route = r.getRoute();
        out.printf("%n-- route:  model %s, domain %s (confidence %.2f), policy %s%s%n", route.getModel(),
                route.getDomain(), route.getConfidence(), route.getPolicy(),
                route.getArm().isEmpty() ? "" : ", arm " + route.getArm());
        out.printf("   reason: %s%s%n", route.getReason(),
                route.getFallback() ? " (fallback: " + route.getFallbackReason() + ")" : "");
        out.printf("-- usage:  %d prompt + %d completion tokens, $%.8f, finished: %s%n", r.getUsage().getPromptTokens(),
                r.getUsage().getCompletionTokens(), r.getUsage().getCostUsd(),
                r.getFinishReason().name().replace("FINISH_REASON_", "").toLowerCase());
        out.printf("-- timing: first token %.1f ms, total %.1f ms (route %.2f ms, queue %.1f ms, compute %.1f ms)%n",
                r.getTiming().getTimeToFirstTokenSeconds() * 1e3, r.getTiming().getTotalSeconds() * 1e3,
                r.getTiming().getRouteSeconds() * 1e3, r.getTiming().getQueueSeconds() * 1e3,
                r.getTiming().getComputeSeconds() * 1e3);
        out.printf("-- request id (for feedback): %s%n", r.getRequestId());
    }
}
