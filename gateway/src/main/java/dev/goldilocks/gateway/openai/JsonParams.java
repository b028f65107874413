package dev.goldilocks.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of a request's top-level parameters. An absent parameter and an explicit JSON null both read
 * as "not given" (OpenAI's SDKs send null for unset optional fields); a value of the wrong JSON type is a
 * 400 naming the parameter. Parameters nobody reads are ignored, as OpenAI does.
 */
final class JsonParams {

    private final ObjectNode body;
    /** Where this object sits in the request ("" at the top, "stream_options." inside that one). */
    private final String prefix;

    JsonParams(ObjectNode body) {
        this(body, "");
    }

    private JsonParams(ObjectNode body, String prefix) {
        this.body = body;
        this.prefix = prefix;
    }

    /** The parameter's full name, as errors name it. */
    String path(String name) {
        return prefix + name;
    }

    /** The raw value, or null when absent or null. */
    JsonNode node(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value;
    }

    String string(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw OpenAiError.invalidType(path(name), "a string", typeOf(value));
        }
        return value.textValue();
    }

    Boolean bool(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw OpenAiError.invalidType(path(name), "a boolean", typeOf(value));
        }
        return value.booleanValue();
    }

    Double number(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw OpenAiError.invalidType(path(name), "a number", typeOf(value));
        }
        return value.doubleValue();
    }

    /** A whole number in [min, max]; 5.0 counts as whole, 5.5 does not. */
    Long integer(String name, long min, long max) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || (!value.isIntegralNumber() && value.doubleValue() != Math.rint(value.doubleValue()))) {
            throw OpenAiError.invalidType(path(name), "an integer", typeOf(value));
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw OpenAiError.invalidValue(path(name), "must be between " + min + " and " + max + ", got " + value.asText());
        }
        return value.longValue();
    }

    /** A string or a list of strings (as OpenAI's {@code stop}). */
    List<String> stringOrList(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        if (!value.isArray()) {
            throw OpenAiError.invalidType(path(name), "a string or a list of strings", typeOf(value));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw OpenAiError.invalidType(path(name) + "[" + i + "]", "a string", typeOf(value.get(i)));
            }
            out.add(value.get(i).textValue());
        }
        return out;
    }

    /** An object whose values are all strings (as OpenAI's {@code metadata}). */
    Map<String, String> stringMap(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw OpenAiError.invalidType(path(name), "an object of strings", typeOf(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw OpenAiError.invalidType(path(name) + "." + e.getKey(), "a string", typeOf(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** An object parameter, read by its own params; null when absent. */
    JsonParams object(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw OpenAiError.invalidType(path(name), "an object", typeOf(value));
        }
        return new JsonParams((ObjectNode) value, path(name) + ".");
    }

    static String typeOf(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
