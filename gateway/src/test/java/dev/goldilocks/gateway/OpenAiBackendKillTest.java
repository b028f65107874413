package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.OpenAiBackendSettings;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible server behind two specialists is killed (SIGKILL, its own process) while it streams
 * two generations: the one whose text already reached its client ends UNAVAILABLE (MODEL_UNAVAILABLE); the
 * one that had delivered nothing yet (a unary call) falls back to the generic model, as the resilience rules
 * say; and later calls find the server gone and fall back at once.
 */
class OpenAiBackendKillTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static final Pattern URL = Pattern.compile("openai-url: (\\S+)");
    private static final Pattern HELD = Pattern.compile("held: 2");

    @Test
    void aServerKilledMidStreamIsUnavailableToTheStreamAndAFallbackForTheUnaryCall(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("server.log");
        try (AllInOne all = AllInOne.start(MODELS, "127.0.0.1", 0, -1, AllInOne.Options.DEFAULT)) {
            Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), HeldGatewayProcess.class.getName(),
                    Integer.toString(all.genericWorkerPort()), "2")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                String url = await(URL, output, server).group(1);
                OpenAiBackendSettings remote = new OpenAiBackendSettings(url, "generic", false, Optional.empty());
                List<ModelRoute> models = all.gatewayConfig().models().stream().map(m -> m.role().equals("specialist")
                        ? ModelRoute.openAi(m.name(), m.role(), m.domain(), remote, m.price(), m.prior()) : m).toList();
                try (Replica front = new Replica(all.gatewayConfig().withModels(models))) {
                    Stream stream = new Stream();
                    front.async().withDeadlineAfter(120, TimeUnit.SECONDS).generateStream(ask("math-specialist", 200),
                            stream);
                    assertThat(stream.text.await(60, TimeUnit.SECONDS)).as("the stream's first text arrived").isTrue();
                    CompletableFuture<GenerateResponse> unary = CompletableFuture.supplyAsync(() ->
                            front.blocking().withDeadlineAfter(120, TimeUnit.SECONDS).generate(ask("code-specialist", 8)));
                    await(HELD, output, server);

                    server.destroyForcibly();
                    assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the server is gone").isTrue();

                    Throwable error = stream.ended.get(60, TimeUnit.SECONDS);
                    assertThat(error).as("the stream that had delivered text failed").isNotNull();
                    assertThat(Failed.documented(error, Status.Code.UNAVAILABLE)).isEqualTo(ErrorReason.MODEL_UNAVAILABLE);
                    assertThat(Failures.model(error)).contains("math-specialist");
                    assertThat(Status.fromThrowable(error).getDescription()).contains(url);

                    GenerateResponse fellBack = unary.get(60, TimeUnit.SECONDS);
                    assertThat(fellBack.getRoute().getFallback()).as("nothing had reached its client").isTrue();
                    assertThat(fellBack.getRoute().getChosenModel()).isEqualTo("code-specialist");
                    assertThat(fellBack.getRoute().getModel()).isEqualTo("generic");
                    assertThat(fellBack.getRoute().getFallbackReason()).startsWith("MODEL_UNAVAILABLE");
                    assertThat(fellBack.getUsage().getCompletionTokens()).isPositive();

                    GenerateResponse later = front.blocking().withDeadlineAfter(60, TimeUnit.SECONDS)
                            .generate(ask("math-specialist", 4));
                    assertThat(later.getRoute().getFallback()).as("a call after the kill").isTrue();
                    assertThat(later.getRoute().getFallbackReason()).startsWith("MODEL_UNAVAILABLE");
                }
            } finally {
                server.destroyForcibly();
            }
        }
    }

    private static GenerateRequest ask(String model, int maxTokens) {
        return GenerateRequest.newBuilder().setModel(model).setPrompt("In the beginning")
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(maxTokens).setTemperature(0)).build();
    }

    /** Waits for a line of the server's output. */
    private static Matcher await(Pattern line, Path output, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && server.isAlive()) {
            Matcher m = line.matcher(Files.readString(output));
            if (m.find()) {
                return m;
            }
            // how often to look again while the process starts, not a guess at when it is ready
            Thread.sleep(20);
        }
        throw new AssertionError("the server did not print '" + line + "':\n" + Files.readString(output));
    }

    /** One stream as its client sees it. */
    private static final class Stream implements StreamObserver<GenerateChunk> {
        final CountDownLatch text = new CountDownLatch(1);
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();

        @Override
        public void onNext(GenerateChunk chunk) {
            if (!chunk.getText().isEmpty()) {
                text.countDown();
            }
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(t);
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
        }
    }
}
