package dev.goldilocks.gateway.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream parser on vLLM-shaped streams, however the network splits their bytes. */
class SseParserTest {

    /**
     * What vLLM sends for a streamed completion with stream_options.include_usage (a keep-alive comment added,
     * CRLF line ends in one event, a character of two bytes and one of four).
     */
    static final String VLLM = ": keep-alive\n\n"
            + "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":"
            + "[{\"index\":0,\"text\":\" Gr\\u00fc\u00df\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}],"
            + "\"usage\":null}\r\n\r\n"
            + "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":"
            + "[{\"index\":0,\"text\":\" \uD83D\uDE00\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}],"
            + "\"usage\":null}\n\n"
            + "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":null,"
            + "\"usage\":{\"prompt_tokens\":5,\"total_tokens\":7,\"completion_tokens\":2}}\n\n"
            + "data: [DONE]\n\n";

    private record Event(String type, String data) {
    }

    private static List<Event> parse(byte[] bytes, int... splits) {
        List<Event> events = new ArrayList<>();
        SseParser parser = new SseParser(1 << 20);
        int from = 0;
        for (int split : splits) {
            parser.feed(ByteBuffer.wrap(bytes, from, split - from), (t, d) -> events.add(new Event(t, d)));
            from = split;
        }
        parser.feed(ByteBuffer.wrap(bytes, from, bytes.length - from), (t, d) -> events.add(new Event(t, d)));
        parser.finish((t, d) -> events.add(new Event(t, d)));
        return events;
    }

    @Test
    void aVllmStreamIsFourEventsEndingWithDone() {
        List<Event> events = parse(VLLM.getBytes(StandardCharsets.UTF_8));
        assertThat(events).hasSize(4).allMatch(e -> e.type().equals("message"));
        assertThat(events.get(0).data()).contains("\" Grüß\"".replace("ü", "\\u00fc"));
        assertThat(events.get(1).data()).contains("\uD83D\uDE00");
        assertThat(events.get(2).data()).contains("\"choices\":null");
        assertThat(events.get(3).data()).isEqualTo("[DONE]");
    }

    @Test
    void everySplitIntoTwoOrThreeReadsGivesTheSameEvents() {
        byte[] bytes = VLLM.getBytes(StandardCharsets.UTF_8);
        List<Event> whole = parse(bytes);
        for (int i = 0; i <= bytes.length; i++) {
            assertThat(parse(bytes, i)).as("split at byte " + i).isEqualTo(whole);
        }
        for (int i = 0; i <= bytes.length; i += 7) {
            for (int j = i; j <= bytes.length; j += 5) {
                assertThat(parse(bytes, i, j)).as("split at bytes " + i + " and " + j).isEqualTo(whole);
            }
        }
    }

    @Test
    void multiLineDataJoinsWithNewlinesAndOtherFieldsAreIgnored() {
        List<Event> events = parse(("id: 7\nretry: 100\nevent: error\ndata: first\ndata:second\n\n"
                + "data\n\n: just a comment\n\n").getBytes(StandardCharsets.UTF_8));
        assertThat(events).containsExactly(new Event("error", "first\nsecond"), new Event("message", ""));
    }

    @Test
    void anEventLeftOpenAtTheEndIsStillDelivered() {
        assertThat(parse("data: [DONE]".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new Event("message", "[DONE]"));
    }

    @Test
    void anEventOverTheLimitIsRefusedButKeepAlivesNeverAddUp() {
        SseParser parser = new SseParser(64);
        byte[] pings = ": ping\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        parser.feed(ByteBuffer.wrap(pings), (t, d) -> { });
        byte[] big = ("data: " + "x".repeat(100) + "\n\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parser.feed(ByteBuffer.wrap(big), (t, d) -> { }))
                .isInstanceOf(SseParser.TooLarge.class).hasMessageContaining("64 bytes");
    }
}
