package io.edgesight.models;

import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * Reads the proto3 JSON mapping (what TF.js stores as {@code modelTopology}: a GraphDef in JSON) into a protobuf
 * builder, through the message descriptors, so no extra library is needed. Covers what the mapping uses:
 * lowerCamel or original field names, int64 as strings, base64 bytes, enum names, maps, repeated fields,
 * NaN/Infinity floats. Unknown fields are ignored, as TF.js itself ignores them.
 */
final class ProtoJson {
    private ProtoJson() {}

    static <B extends Message.Builder> B merge(JsonNode json, B builder, String where) {
        if (json == null || json.isNull()) return builder;
        if (!json.isObject()) throw new IllegalArgumentException(where + ": expected an object, got " + json.getNodeType());
        var descriptor = builder.getDescriptorForType();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldDescriptor fd = field(descriptor, e.getKey());
            if (fd == null || e.getValue().isNull()) continue;
            String at = where + "." + e.getKey();
            JsonNode v = e.getValue();
            if (fd.isMapField()) {
                if (!v.isObject()) throw new IllegalArgumentException(at + ": expected an object (map)");
                FieldDescriptor keyFd = fd.getMessageType().findFieldByName("key");
                FieldDescriptor valueFd = fd.getMessageType().findFieldByName("value");
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> me = m.next();
                    Message.Builder entry = builder.newBuilderForField(fd);
                    entry.setField(keyFd, scalar(keyFd, com.fasterxml.jackson.databind.node.TextNode.valueOf(me.getKey()), at));
                    entry.setField(valueFd, value(entry, valueFd, me.getValue(), at + "." + me.getKey()));
                    builder.addRepeatedField(fd, entry.build());
                }
            } else if (fd.isRepeated()) {
                if (!v.isArray()) throw new IllegalArgumentException(at + ": expected an array");
                for (JsonNode item : v) builder.addRepeatedField(fd, value(builder, fd, item, at));
            } else {
                builder.setField(fd, value(builder, fd, v, at));
            }
        }
        return builder;
    }

    private static FieldDescriptor field(com.google.protobuf.Descriptors.Descriptor d, String name) {
        for (FieldDescriptor f : d.getFields()) {
            if (f.getJsonName().equals(name) || f.getName().equals(name)) return f;
        }
        return null;
    }

    private static Object value(Message.Builder parent, FieldDescriptor fd, JsonNode v, String at) {
        if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            return merge(v, parent.newBuilderForField(fd), at).build();
        }
        return scalar(fd, v, at);
    }

    private static Object scalar(FieldDescriptor fd, JsonNode v, String at) {
        try {
            return switch (fd.getJavaType()) {
                case INT -> v.isTextual() ? Integer.parseInt(v.asText()) : v.intValue();
                case LONG -> v.isTextual() ? Long.parseLong(v.asText()) : v.longValue();
                case FLOAT -> (float) number(v);
                case DOUBLE -> number(v);
                case BOOLEAN -> v.isTextual() ? Boolean.parseBoolean(v.asText()) : v.booleanValue();
                case STRING -> v.asText();
                case BYTE_STRING -> ByteString.copyFrom(base64(v.asText()));
                case ENUM -> enumValue(fd, v, at);
                default -> throw new IllegalArgumentException(at + ": unsupported field type " + fd.getJavaType());
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(at + ": not a number: " + v);
        }
    }

    private static double number(JsonNode v) {
        if (v.isTextual()) {
            return switch (v.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v.asText());
            };
        }
        return v.doubleValue();
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return Base64.getUrlDecoder().decode(s);
        }
    }

    private static EnumValueDescriptor enumValue(FieldDescriptor fd, JsonNode v, String at) {
        EnumValueDescriptor ev = v.isNumber() ? fd.getEnumType().findValueByNumber(v.intValue())
                : fd.getEnumType().findValueByName(v.asText());
        if (ev == null) throw new IllegalArgumentException(at + ": unknown " + fd.getEnumType().getName() + " '" + v.asText() + "'");
        return ev;
    }
}
