package io.edgesight.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** docs/payload.schema.json, docs/stats.schema.json and docs/events.schema.json, for validating what edgesight publishes. */
public final class PayloadSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final JsonSchema PAYLOAD = load(Path.of("docs/payload.schema.json"));
    public static final JsonSchema STATS = load(Path.of("docs/stats.schema.json"));
    public static final JsonSchema EVENTS = load(Path.of("docs/events.schema.json"));

    private PayloadSchema() {}

    static JsonSchema load(Path file) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(file)) {
            return factory.getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints about a document (empty = valid). */
    public static List<String> errors(JsonSchema schema, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            Set<ValidationMessage> messages = schema.validate(node);
            return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    /** Fails with the schema's messages unless {@code json} is a valid prediction payload. */
    public static void assertValidPayload(String json) {
        assertThat(errors(PAYLOAD, json)).as("payload %s against docs/payload.schema.json", json).isEmpty();
    }

    /** Fails with the schema's messages unless {@code json} is a valid event (docs/events.schema.json). */
    public static void assertValidEvent(String json) {
        assertThat(errors(EVENTS, json)).as("event %s against docs/events.schema.json", json).isEmpty();
    }

    public static void assertValidStats(String json) {
        assertThat(errors(STATS, json)).as("stats %s against docs/stats.schema.json", json).isEmpty();
    }
}
