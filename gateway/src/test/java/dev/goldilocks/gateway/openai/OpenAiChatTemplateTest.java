package dev.goldilocks.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chat messages as a prompt for the demo completion models. */
class OpenAiChatTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChatTemplate.Prompt prompt(String messages) throws Exception {
        return ChatTemplate.of(JSON.readTree(messages));
    }

    @Test
    void aLoneUserMessageIsThePromptVerbatim() throws Exception {
        ChatTemplate.Prompt p = prompt("[{\"role\": \"user\", \"content\": \"What is 47 + 38?\"}]");
        assertThat(p.text()).isEqualTo("What is 47 + 38?");
        assertThat(p.stops()).isEmpty();
    }

    @Test
    void aConversationIsOneLinePerMessageEndingWithTheAssistantsTurn() throws Exception {
        ChatTemplate.Prompt p = prompt("""
                [{"role": "developer", "content": "Answer briefly."},
                 {"role": "user", "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": "there"}]},
                 {"role": "assistant", "content": "Hi."},
                 {"role": "user", "content": "What is 2 + 2?"}]""");
        assertThat(p.text()).isEqualTo("System: Answer briefly.\nUser: Hello\nthere\nAssistant: Hi.\n"
                + "User: What is 2 + 2?\nAssistant:");
        assertThat(p.stops()).as("the model must not write the user's next turn").isEqualTo(List.of("\nUser:"));
    }

    @Test
    void whatCannotBeTemplatedIsRefusedNamingTheField() {
        assertThatThrownBy(() -> prompt("[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"tool\", \"content\": \"b\"}]"))
                .isInstanceOfSatisfying(OpenAiError.class, e -> {
                    assertThat(e.param()).isEqualTo("messages[1].role");
                    assertThat(e.code()).isEqualTo("unsupported_parameter");
                });
        assertThatThrownBy(() -> prompt("[{\"role\": \"wizard\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]"))
                .isInstanceOfSatisfying(OpenAiError.class, e -> assertThat(e.param()).isEqualTo("messages[0].role"));
        assertThatThrownBy(() -> prompt("[{\"role\": \"user\", \"content\": 5}]"))
                .isInstanceOfSatisfying(OpenAiError.class, e -> {
                    assertThat(e.param()).isEqualTo("messages[0].content");
                    assertThat(e.code()).isEqualTo("invalid_type");
                });
        assertThatThrownBy(() -> ChatTemplate.of((JsonNode) null))
                .isInstanceOfSatisfying(OpenAiError.class, e -> assertThat(e.param()).isEqualTo("messages"));
    }
}
