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
    Duration ttl,
    Debounce debounce,
    Duration priority) {

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts,
      Duration maxDuration,
      Duration idempotencyKeyTTL,
      Duration ttl,
      Debounce debounce) {
    this(
        payload,
        idempotencyKey,
        tags,
        delay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        ttl,
        debounce,
        null);
  }

  /**
   * Triggers with the same {@code key} within {@code delay} of each other become one run, with the
   * last payload, started {@code delay} after the last of them but at most {@code maxDelay} (when
   * given) after the first.
   */
  public record Debounce(String key, Duration delay, Duration maxDelay) {}

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts,
      Duration maxDuration,
      Duration idempotencyKeyTTL,
      Duration ttl) {
    this(
        payload,
        idempotencyKey,
        tags,
        delay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        ttl,
        null);
  }

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts,
      Duration maxDuration,
      Duration idempotencyKeyTTL) {
    this(
        payload,
        idempotencyKey,
        tags,
        delay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        null,
        null);
  }

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts,
      Duration maxDuration) {
    this(payload, idempotencyKey, tags, delay, maxAttempts, maxDuration, null, null, null);
  }

  public TriggerRequest(
      JsonNode payload,
      String idempotencyKey,
      List<String> tags,
      Duration delay,
      Integer maxAttempts) {
    this(payload, idempotencyKey, tags, delay, maxAttempts, null, null, null, null);
  }
}
