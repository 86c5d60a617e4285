package dev.errand.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The payload of a run a webhook delivery created through a route of its endpoint (the default
 * payload mapping). Declare a task as {@code Task<WebhookEvent, ...>} to receive it. Immutable.
 *
 * @param deliveryId the delivery's id ({@code dlv_...}), as shown by the deliveries API
 * @param endpointId the endpoint the delivery came in through
 * @param endpointName its name
 * @param receivedAt when the server received it
 * @param verified whether its signature was checked and matched (false only for endpoints whose
 *     verifier is {@code none})
 * @param replayOf for a replayed delivery, the id of the delivery it replays; else null
 * @param providerDeliveryId the provider's own delivery id (its dedup key), or null
 * @param headers the request's headers, names in lower case, signature values masked
 * @param body the body parsed: JSON as sent, a form ({@code application/x-www-form-urlencoded}) as
 *     an object of field to value (an array for repeated fields); null for an empty body
 * @param rawBody the body exactly as received when it is UTF-8 text, else null
 * @param rawBodyBase64 the body in base64 when it is not UTF-8 text, else null
 */
public record WebhookEvent(
    String deliveryId,
    String endpointId,
    String endpointName,
    Instant receivedAt,
    boolean verified,
    String replayOf,
    String providerDeliveryId,
    Map<String, List<String>> headers,
    JsonNode body,
    String rawBody,
    String rawBodyBase64) {

  /** The first value of a header, by name in any case. */
  public Optional<String> header(String name) {
    if (headers == null) {
      return Optional.empty();
    }
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  /** The parsed body mapped onto {@code type} (a record, usually). */
  public <T> T bodyAs(Class<T> type) {
    try {
      return Json.mapper().treeToValue(body, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the body of delivery " + deliveryId + " does not map onto " + type.getName(), e);
    }
  }

  /** The body's bytes as received. */
  public byte[] rawBodyBytes() {
    if (rawBody != null) {
      return rawBody.getBytes(StandardCharsets.UTF_8);
    }
    return rawBodyBase64 == null ? new byte[0] : Base64.getDecoder().decode(rawBodyBase64);
  }
}
