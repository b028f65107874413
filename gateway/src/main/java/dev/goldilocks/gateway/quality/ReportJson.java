package dev.goldilocks.gateway.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.List;

/**
 * The report as JSON for dashboards and scripts: the proto's JSON field names (lowerCamelCase) and every
 * field printed, but, unlike the proto3 JSON mapping, int64 fields are JSON numbers (not strings) and a
 * figure not known yet (NaN, infinite) is null (not "NaN"), so that any JSON reader can use it as it is.
 */
public final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReportJson() {
    }

    /** Any message of the admin API (the report, an evaluation) in this form. */
    public static String of(Message report) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(object(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report is not printable as JSON", e);
        }
    }

    private static ObjectNode object(Message message) {
        ObjectNode out = NODES.objectNode();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.isRepeated()) {
                ArrayNode values = out.putArray(field.getJsonName());
                for (Object value : (List<?>) message.getField(field)) {
                    values.add(value(field, value));
                }
            } else if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || message.hasField(field)) {
                out.set(field.getJsonName(), value(field, message.getField(field)));
            }
        }
        return out;
    }

    private static JsonNode value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case MESSAGE -> object((Message) value);
            case DOUBLE, FLOAT -> {
                double d = ((Number) value).doubleValue();
                yield Double.isFinite(d) ? NODES.numberNode(d) : NODES.nullNode();
            }
            case INT, LONG -> NODES.numberNode(((Number) value).longValue());
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case STRING -> NODES.textNode((String) value);
            case ENUM -> NODES.textNode(((com.google.protobuf.Descriptors.EnumValueDescriptor) value).getName());
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(
                    ((com.google.protobuf.ByteString) value).toByteArray()));
        };
    }
}
