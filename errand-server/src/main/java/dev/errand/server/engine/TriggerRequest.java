package dev.errand.server.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/** One run to trigger, as parsed and validated from the API. */
public record TriggerRequest(
    JsonNode payload,
    String idempotencyKey,
    List<String> tags,
    Duration delay,
    Integer maxAttempts,
    Duration maxDuration,
    Duration idempotencyKeyTTL,
    Duration ttl) {

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts,
      Duration maxDuration,
      Duration idempotencyKeyTTL) {
    this(payload, idempotencyKey, tags, delay, maxAttempts, maxDuration, idempotencyKeyTTL, null);
  }

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts,
      Duration maxDuration) {
    this(payload, idempotencyKey, tags, delay, maxAttempts, maxDuration, null, null);
  }

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts) {
    this(payload, idempotencyKey, tags, delay, maxAttempts, null, null, null);
  }
}
