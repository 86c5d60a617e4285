package dev.errand.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerOptionsTest {
  record Customer(String id, int seats) {}

  @Test
  void metadataIsAJsonObjectMadeByJacksonAndSentAsOptionsMetadata() throws Exception {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("customer", new Customer("c-7", 3));
    metadata.put("flags", List.of("beta"));
    metadata.put("at", Instant.parse("2026-01-02T03:04:05Z"));
    TriggerOptions options = TriggerOptions.NONE.withTags("t").withMetadata(metadata);

    JsonNode sent = Json.mapper().valueToTree(options);
    assertThat(sent.path("metadata"))
        .isEqualTo(
            Json.mapper()
                .readTree(
                    "{\"customer\": {\"id\": \"c-7\", \"seats\": 3}, \"flags\": [\"beta\"],"
                        + " \"at\": \"2026-01-02T03:04:05Z\"}"));
    assertThat(sent.path("tags").get(0).asText()).isEqualTo("t");
    // the other with... methods keep it; null removes it, and none is not sent
    assertThat(options.withDelay(java.time.Duration.ofSeconds(1)).metadata())
        .isEqualTo(options.metadata());
    assertThat(options.withMetadata(null).metadata()).isNull();
    assertThat(Json.mapper().valueToTree(TriggerOptions.NONE).has("metadata")).isFalse();
  }

  @Test
  void metadataIsCopiedAndMustBeAnObject() {
    ObjectNode node = Json.mapper().createObjectNode().put("a", 1);
    TriggerOptions options =
        new TriggerOptions(null, null, null, null, null, null, null, null, null, null, node, null);
    node.put("a", 2);
    assertThat(options.metadata().path("a").asInt()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                new TriggerOptions(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Json.mapper().createArrayNode(),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata must be a JSON object");
  }
}
