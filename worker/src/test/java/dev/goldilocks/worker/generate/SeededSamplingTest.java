package dev.goldilocks.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded generation on the demo models gives the tokens, streamed chunks and text recorded before the
 * sampler and the detokenizer were rewritten for large vocabularies (see {@link SeededSamples}).
 */
class SeededSamplingTest {

    @Test
    void seededGenerationsAreThoseRecordedBeforeTheRewrite() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> recorded = SeededSamples.recorded(json);
        List<ObjectNode> now = SeededSamples.generateAll(json);
        assertThat(recorded).hasSize(SeededSamples.PROMPTS.size() * SeededSamples.SETTINGS.size() * 4);
        assertThat(recorded.stream().filter(r -> r.get("tokens").size() > 10).count())
                .as("most recorded generations are long enough to say something").isGreaterThan(recorded.size() / 2);
        for (int i = 0; i < recorded.size(); i++) {
            JsonNode want = recorded.get(i);
            JsonNode got = json.readTree(json.writeValueAsString(now.get(i))); // numbers as they were read back
            String which = String.format("%s, prompt %s, T %s, top-p %s, top-k %s, seed %s", want.get("model"),
                    want.get("prompt"), want.get("temperature"), want.get("top_p"), want.get("top_k"), want.get("seed"));
            for (String field : List.of("tokens", "token_logprobs", "token_texts", "chunks", "text", "finish")) {
                assertThat(got.get(field)).as(which + ": " + field).isEqualTo(want.get(field));
            }
        }
    }
}
