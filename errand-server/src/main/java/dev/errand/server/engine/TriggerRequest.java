package dev.errand.server.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * One run to trigger, as parsed and validated from the API. {@code metadata} is a JSON object, or
 * null for none; the engine checks its kind and size.
 */
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
    Duration priority,
    String concurrencyKey,
    JsonNode metadata) {

  /**
   * Triggers with the same {@code key} within {@code delay} of each other become one run, with the
   * last payload, started {@code delay} after the last of them but at most {@code maxDelay} (when
   * given) after the first.
   */
  public record Debounce(String key, Duration delay, Duration maxDelay) {}

  /** A trigger of {@code payload} with no options: the task's defaults. */
  public static TriggerRequest of(JsonNode payload) {
    return new TriggerRequest(
        payload, null, null, null, null, null, null, null, null, null, null, null);
  }
}
