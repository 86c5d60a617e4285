package dev.errand.server.webhook;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Where a delivery's deduplication id comes from: a header, or a field of the JSON body named by a
 * JSON pointer (RFC 6901). Exactly one of the two is set. Immutable and thread-safe.
 *
 * @param header the header holding the id, or null
 * @param jsonPointer the pointer to the body field holding the id, starting with "/", or null
 */
public record DeliveryIdSource(String header, String jsonPointer) {
  /** Ids longer than this many characters are replaced by their SHA-256 in hex (64 characters). */
  public static final int MAX_ID_LENGTH = 256;

  private static final Set<String> FIELDS = Set.of("header", "jsonPointer");

  public DeliveryIdSource {
    if ((header == null) == (jsonPointer == null)) {
      throw new IllegalArgumentException(
          "deliveryId: exactly one of header or jsonPointer is required (was "
              + (header == null ? "neither" : "both")
              + ")");
    }
    if (header != null) {
      ConfigText.headerName("header", header);
    } else {
      Pointers.check("jsonPointer", jsonPointer);
    }
  }

  /** The id is the first value of {@code header}. */
  public static DeliveryIdSource ofHeader(String header) {
    return new DeliveryIdSource(header, null);
  }

  /** The id is the body field at {@code jsonPointer}. */
  public static DeliveryIdSource ofJsonPointer(String jsonPointer) {
    return new DeliveryIdSource(null, jsonPointer);
  }

  /**
   * Where the given verifier type's provider puts its delivery id: Standard Webhooks' {@code
   * webhook-id}, GitHub's {@code X-GitHub-Delivery}, Shopify's {@code X-Shopify-Webhook-Id},
   * Stripe's event {@code /id}, Slack's Events API {@code /event_id}; empty for {@code
   * hmac-sha256}, {@code none} and unknown types.
   */
  public static Optional<DeliveryIdSource> defaultFor(String verifierType) {
    return Optional.ofNullable(
        switch (verifierType == null ? "" : verifierType) {
          case "standard-webhooks" -> ofHeader("webhook-id");
          case "github" -> ofHeader("X-GitHub-Delivery");
          case "stripe" -> ofJsonPointer("/id");
          case "slack" -> ofJsonPointer("/event_id");
          case "shopify" -> ofHeader("X-Shopify-Webhook-Id");
          default -> null;
        });
  }

  /**
   * Reads {@code {"header": "X-Request-Id"}} or {@code {"jsonPointer": "/data/id"}}.
   *
   * @throws IllegalArgumentException naming the field and the rule when the object is not exactly
   *     one of those shapes
   */
  public static DeliveryIdSource fromJson(JsonNode json) {
    JsonFields fields = JsonFields.of(json, "deliveryId", FIELDS);
    return new DeliveryIdSource(fields.text("header"), fields.text("jsonPointer"));
  }

  /** The JSON shape {@link #fromJson} reads. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    if (header != null) {
      json.put("header", header);
    } else {
      json.put("jsonPointer", jsonPointer);
    }
    return json;
  }

  /**
   * The delivery's id: the header's first value, or the body field's text (numbers and booleans as
   * their JSON text). Empty when absent, blank, or a JSON null, object or array. An id longer than
   * {@link #MAX_ID_LENGTH} is replaced by its SHA-256 in hex so that deduplication still works.
   *
   * @param parsedBody the parsed body (see {@link WebhookBodies#parse}); may be null
   */
  public Optional<String> extract(Headers headers, JsonNode parsedBody) {
    Optional<String> id;
    if (header != null) {
      id = headers.first(header);
    } else if (parsedBody == null) {
      id = Optional.empty();
    } else {
      JsonNode value = parsedBody.at(JsonPointer.compile(jsonPointer));
      id =
          value.isTextual() || value.isNumber() || value.isBoolean()
              ? Optional.of(value.asText())
              : Optional.empty();
    }
    return id.filter(value -> !value.isBlank())
        .map(value -> value.length() > MAX_ID_LENGTH ? sha256Hex(value) : value);
  }

  private static String sha256Hex(String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }
}
