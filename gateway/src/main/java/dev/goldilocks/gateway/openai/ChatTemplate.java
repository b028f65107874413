package dev.goldilocks.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.goldilocks.common.grpc.Failures;
import java.util.List;

/**
 * Chat messages as one prompt for a completion model. The demo models are small base language models
 * trained on plain text (code, licences, prose, arithmetic), not on any chat markup, so the template stays
 * as close to plain text as a conversation allows:
 * <ul>
 *   <li>a single user message is the prompt verbatim, so {@code "What is 47 + 38?"} reaches the model
 *       exactly as it would through the gRPC API (and is classified the same way);</li>
 *   <li>anything else becomes one line per message, {@code "System: ...\nUser: ...\nAssistant: ...\n"},
 *       ending in {@code "Assistant:"} for the model to continue, with {@code "\nUser:"} as a stop
 *       sequence so that the model does not go on to write the user's next turn.</li>
 * </ul>
 * Roles: system and developer read as "System", user as "User", assistant as "Assistant". Content is a
 * string or a list of text parts (joined by newlines); tool messages and non-text parts are not supported.
 */
final class ChatTemplate {

    /** The stop sequence a multi-message prompt adds. */
    static final String USER_TURN = "\nUser:";

    private ChatTemplate() {
    }

    /** A prompt and the stop sequences its template needs. */
    record Prompt(String text, List<String> stops) {
    }

    static Prompt of(JsonNode messages) {
        if (messages == null) {
            throw OpenAiError.invalidValue("messages", "is required");
        }
        if (!messages.isArray()) {
            throw OpenAiError.invalidType("messages", "a list of messages", JsonParams.typeOf(messages));
        }
        if (messages.isEmpty()) {
            throw OpenAiError.invalidValue("messages", "must contain at least one message");
        }
        if (messages.size() == 1 && "user".equals(messages.get(0).path("role").asText(null))) {
            return new Prompt(content(messages.get(0), "messages[0]"), List.of());
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw OpenAiError.invalidType(at, "a message object", JsonParams.typeOf(message));
            }
            prompt.append(speaker(message.get("role"), at)).append(": ").append(content(message, at)).append('\n');
        }
        return new Prompt(prompt.append("Assistant:").toString(), List.of(USER_TURN));
    }

    private static String speaker(JsonNode role, String at) {
        if (role == null || !role.isTextual()) {
            throw role == null || role.isNull() ? OpenAiError.invalidValue(at + ".role", "is required")
                    : OpenAiError.invalidType(at + ".role", "a string", JsonParams.typeOf(role));
        }
        return switch (role.textValue()) {
            case "system", "developer" -> "System";
            case "user" -> "User";
            case "assistant" -> "Assistant";
            case "tool", "function" -> throw OpenAiError.unsupported(at + ".role",
                    "tool and function messages (this gateway serves no tools)");
            default -> throw OpenAiError.invalidValue(at + ".role", "must be system, developer, user or assistant, got '"
                    + Failures.echo(role.textValue()) + "'");
        };
    }

    /** A message's text: a string, or a list of {"type": "text", "text": ...} parts; empty for none. */
    private static String content(JsonNode message, String at) {
        JsonNode content = message.get("content");
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw OpenAiError.invalidType(at + ".content", "a string or a list of parts", JsonParams.typeOf(content));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            String partAt = at + ".content[" + i + "]";
            JsonNode part = content.get(i);
            String type = part.path("type").asText("");
            if (!type.equals("text")) {
                throw OpenAiError.unsupported(partAt + ".type", "only text parts are served, got '"
                        + Failures.echo(type) + "'");
            }
            JsonNode partText = part.get("text");
            if (partText == null || !partText.isTextual()) {
                throw OpenAiError.invalidType(partAt + ".text", "a string",
                        partText == null ? "nothing" : JsonParams.typeOf(partText));
            }
            text.append(i > 0 ? "\n" : "").append(partText.textValue());
        }
        return text.toString();
    }
}
