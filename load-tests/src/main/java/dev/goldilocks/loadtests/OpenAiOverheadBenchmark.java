package dev.goldilocks.loadtests;

import dev.goldilocks.gateway.AllInOne;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The latency the OpenAI-compatible HTTP surface adds over the gRPC API for the same request: the same
 * prompt, pinned to one model, a short greedy generation, sent one at a time in turn through gRPC Generate,
 * POST /v1/completions and POST /v1/chat/completions (a lone user message is the prompt verbatim), so that
 * the three see the same machine at the same moments. The target is at most 1 ms more at p50.
 */
public final class OpenAiOverheadBenchmark {

    private static final String PROMPT = "What is 21 + 34?";
    private static final String MODEL = "math-specialist";
    private static final int NEW_TOKENS = 4;
    private static final int WARM_UP = 200;
    private static final int REQUESTS = 1000;

    private OpenAiOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "models"));
        Path results = Path.of(args.length > 0 ? args[0] : "load-tests/results");
        Report report = new Report("OpenAI-compatible surface: latency over the gRPC API", "load-tests/run.sh openai");
        try (AllInOne all = AllInOne.start(models, "127.0.0.1", 0, -1, AllInOne.Options.DEFAULT)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
            GoldilocksGrpc.GoldilocksBlockingStub grpc = GoldilocksGrpc.newBlockingStub(channel);
            GenerateRequest request = GenerateRequest.newBuilder().setModel(MODEL).setPrompt(PROMPT)
                    .setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS).setTemperature(0)).build();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String completionJson = "{\"model\": \"" + MODEL + "\", \"prompt\": \"" + PROMPT + "\", \"max_tokens\": "
                    + NEW_TOKENS + ", \"temperature\": 0}";
            String chatJson = "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + PROMPT
                    + "\"}], \"max_tokens\": " + NEW_TOKENS + ", \"temperature\": 0}";
            HttpRequest completion = post(all.openAiUrl() + "/completions", completionJson);
            HttpRequest chat = post(all.openAiUrl() + "/chat/completions", chatJson);
            Histogram viaGrpc = new Histogram(3);
            Histogram viaCompletions = new Histogram(3);
            Histogram viaChat = new Histogram(3);
            Histogram viaPlainCompletions = new Histogram(3);
            try (PlainHttpClient plain = new PlainHttpClient("127.0.0.1", all.openAiPort())) {
                for (int i = 0; i < WARM_UP + REQUESTS; i++) {
                    long t0 = System.nanoTime();
                    grpc.withDeadlineAfter(10, TimeUnit.SECONDS).generate(request);
                    long t1 = System.nanoTime();
                    send(http, completion);
                    long t2 = System.nanoTime();
                    send(http, chat);
                    long t3 = System.nanoTime();
                    plain.post("/v1/completions", completionJson);
                    long t4 = System.nanoTime();
                    if (i >= WARM_UP) { // the warm-up requests let the JIT compile and the connections settle
                        viaGrpc.recordValue((t1 - t0) / 1000);
                        viaCompletions.recordValue((t2 - t1) / 1000);
                        viaChat.recordValue((t3 - t2) / 1000);
                        viaPlainCompletions.recordValue((t4 - t3) / 1000);
                    }
                }
            }
            channel.shutdownNow();
            report.section("Latency per request",
                    REQUESTS + " requests of each kind after " + WARM_UP + " to warm up, one at a time in turn: \""
                    + PROMPT + "\" on the " + MODEL + " (pinned), " + NEW_TOKENS + " new tokens, greedy. gRPC: the"
                    + " blocking stub over one HTTP/2 connection. HTTP: the JDK's java.net.http client over a"
                    + " keep-alive HTTP/1.1 connection, and a plain client (one socket, bytes written and read on the"
                    + " caller's thread: what the server side costs without a client library's threads); the surface"
                    + " calls the same gRPC service in-process. Client and server share the machine's cores. Figures"
                    + " taken on a machine busy with other work are provisional: take them on a quiet one.");
            report.header("path", "p50 ms", "p99 ms");
            report.row("gRPC Generate", ms(viaGrpc.getValueAtPercentile(50)), ms(viaGrpc.getValueAtPercentile(99)));
            report.row("POST /v1/completions", ms(viaCompletions.getValueAtPercentile(50)),
                    ms(viaCompletions.getValueAtPercentile(99)));
            report.row("POST /v1/chat/completions", ms(viaChat.getValueAtPercentile(50)),
                    ms(viaChat.getValueAtPercentile(99)));
            report.row("POST /v1/completions, plain client", ms(viaPlainCompletions.getValueAtPercentile(50)),
                    ms(viaPlainCompletions.getValueAtPercentile(99)));
            report.row("added by /v1/completions", ms(viaCompletions.getValueAtPercentile(50)
                    - viaGrpc.getValueAtPercentile(50)), ms(viaCompletions.getValueAtPercentile(99)
                    - viaGrpc.getValueAtPercentile(99)));
            report.row("added by /v1/chat/completions", ms(viaChat.getValueAtPercentile(50)
                    - viaGrpc.getValueAtPercentile(50)), ms(viaChat.getValueAtPercentile(99)
                    - viaGrpc.getValueAtPercentile(99)));
            report.row("added by /v1/completions, plain client", ms(viaPlainCompletions.getValueAtPercentile(50)
                    - viaGrpc.getValueAtPercentile(50)), ms(viaPlainCompletions.getValueAtPercentile(99)
                    - viaGrpc.getValueAtPercentile(99)));
        }
        report.write(results.resolve("openai.md"));
    }

    private static HttpRequest post(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static String ms(long micros) {
        return String.format("%.2f", micros / 1000.0);
    }
}
