package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.proto.v1.FinishReason;
import dev.goldilocks.proto.v1.GenerateChunk;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.proto.v1.ScoreResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The all-in-one with echo models in place of the demo models (what the hop benchmark measures): the same
 * gateway routes, and Generate, GenerateStream and Score answer what an echo model documents.
 */
class EchoApiTest {

    private static AllInOne all;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Path models = Path.of(System.getProperty("goldilocks.models", "../models"));
        all = AllInOne.start(models, "127.0.0.1", 0, -1, new AllInOne.Options(0, 0, -1).withEcho());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", all.gatewayPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        all.close();
    }

    private static GenerateRequest request(int maxNewTokens) {
        return GenerateRequest.newBuilder().setPrompt("What is 2 + 2?").setDomainHint("math")
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(maxNewTokens)).build();
    }

    @Test
    void unaryGenerateAnswersMaxNewTokensXsWithItsRouteAndByteCountedUsage() {
        GenerateResponse response = GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .generate(request(4));
        assertThat(response.getText()).isEqualTo("xxxx");
        assertThat(response.getTokensCount()).isEqualTo(4);
        assertThat(response.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(response.getRoute().getModel()).isEqualTo("math-specialist");
        assertThat(response.getRoute().getFallback()).isFalse();
        assertThat(response.getUsage().getPromptTokens()).as("the prompt's UTF-8 bytes").isEqualTo(14);
        assertThat(response.getUsage().getCompletionTokens()).isEqualTo(4);
        assertThat(response.getRequestId()).isNotEmpty();
    }

    @Test
    void streamedGenerateSendsTheTextWithTheRouteThenTheFinalResponse() {
        List<GenerateChunk> chunks = new ArrayList<>();
        GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).generateStream(request(3))
                .forEachRemaining(chunks::add);
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).getText()).isEqualTo("xxx");
        assertThat(chunks.get(0).getRoute().getModel()).isEqualTo("math-specialist");
        GenerateResponse last = chunks.get(1).getFinal();
        assertThat(last.getText()).isEqualTo("xxx");
        assertThat(last.getUsage().getCompletionTokens()).isEqualTo(3);
        assertThat(last.getRequestId()).isEqualTo(chunks.get(0).getRequestId());
    }

    @Test
    void scoreIsMinusLn256PerByte() {
        ScoreResponse score = GoldilocksGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .score(ScoreRequest.newBuilder().setPrompt("What is 2 + 2?").setContinuation(" 4").setDomainHint("math")
                        .build());
        assertThat(score.getRoute().getModel()).isEqualTo("math-specialist");
        assertThat(score.getTokensCount()).isEqualTo(2);
        assertThat(score.getLogprobPerByte()).isCloseTo(-Math.log(256), Offset.offset(1e-4));
    }
}
