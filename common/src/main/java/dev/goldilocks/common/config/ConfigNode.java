package dev.goldilocks.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A mapping of a YAML file, read key by key with defaults. Every error names the key's full path
 * (for example {@code models[1].threads}), and keys nobody asked for are reported by {@link #finish()},
 * so a typo fails at start instead of silently falling back to a default.
 */
public final class ConfigNode {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonNode node;
    private final String path;
    private final Set<String> read = new LinkedHashSet<>();

    private ConfigNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** Parses a YAML file; an empty file is an empty mapping, so every default applies. */
    public static ConfigNode load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static ConfigNode parse(String yaml, String source) {
        try {
            JsonNode root = yaml.isBlank() ? MissingNode.getInstance() : YAML.readTree(yaml);
            if (root == null || root.isMissingNode() || root.isNull()) {
                root = YAML.createObjectNode();
            }
            if (!root.isObject()) {
                throw new ConfigException(source + ": the top level must be a mapping of keys");
            }
            return new ConfigNode(root, "");
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    public static ConfigNode empty() {
        return parse("", "defaults");
    }

    public boolean has(String key) {
        read.add(key);
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    public String string(String key, String fallback) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isValueNode()) {
            throw error(key, "must be a single value");
        }
        return value.asText();
    }

    public String requiredString(String key) {
        String value = string(key, null);
        if (value == null || value.isBlank()) {
            throw error(key, "is required");
        }
        return value;
    }

    public String oneOf(String key, String fallback, Set<String> allowed) {
        String value = string(key, fallback);
        if (!allowed.contains(value)) {
            throw error(key, "must be one of " + allowed + ", got '" + value + "'");
        }
        return value;
    }

    public int integer(String key, int fallback, int min, int max) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw error(key, "must be a whole number, got '" + value.asText() + "'");
        }
        return checkRange(key, value.intValue(), min, max);
    }

    public double number(String key, double fallback, double min, double max) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw error(key, "must be a number, got '" + value.asText() + "'");
        }
        double d = value.doubleValue();
        if (!(d >= min && d <= max)) {
            throw error(key, "must be between " + min + " and " + max + ", got " + d);
        }
        return d;
    }

    public boolean bool(String key, boolean fallback) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw error(key, "must be true or false, got '" + value.asText() + "'");
        }
        return value.booleanValue();
    }

    public List<String> strings(String key, List<String> fallback) {
        JsonNode value = value(key);
        if (value == null) {
            return fallback;
        }
        if (value.isValueNode()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            throw error(key, "must be a list");
        }
        List<String> out = new ArrayList<>();
        value.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    /** A nested mapping read by {@code reader}; an absent key reads as an empty one, so its defaults apply. */
    public <T> T section(String key, Function<ConfigNode, T> reader) {
        JsonNode value = value(key);
        if (value != null && !value.isObject()) {
            throw error(key, "must be a mapping of keys");
        }
        ConfigNode child = new ConfigNode(value == null ? YAML.createObjectNode() : value, join(key));
        T result = reader.apply(child);
        child.finish();
        return result;
    }

    /** A mapping from names to mappings (for example models by name), each read by {@code reader}. */
    public <T> List<T> named(String key, BiFunction<String, ConfigNode, T> reader) {
        return section(key, map -> {
            List<T> out = new ArrayList<>();
            for (String name : map.keys()) {
                out.add(map.section(name, entry -> reader.apply(name, entry)));
            }
            return List.copyOf(out);
        });
    }

    /** A list of mappings, each read by {@code reader} and checked for unknown keys. */
    public <T> List<T> list(String key, Function<ConfigNode, T> reader) {
        JsonNode value = value(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw error(key, "must be a list");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = join(key) + "[" + i + "]";
            if (!item.isObject()) {
                throw new ConfigException(itemPath + ": must be a mapping of keys");
            }
            ConfigNode child = new ConfigNode(item, itemPath);
            out.add(reader.apply(child));
            child.finish();
        }
        return List.copyOf(out);
    }

    /** Names of the keys of this mapping, in file order (for mappings keyed by name). */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Fails on any key that was never read: a typo must not pass silently. */
    public void finish() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!read.contains(name)) {
                throw error(name, "is not a known key here");
            }
        }
    }

    public ConfigException error(String key, String message) {
        return new ConfigException(join(key) + ": " + message);
    }

    public String path() {
        return path;
    }

    private int checkRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw error(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private JsonNode value(String key) {
        read.add(key);
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private String join(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
