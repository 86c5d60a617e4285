package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * Options of one trigger. Every field is optional; {@code null} means the task's default.
 *
 * @param idempotencyKey a trigger with a key already used for the same task returns the existing
 *     run instead of creating one
 * @param tags up to {@value #MAX_TAGS} labels to filter runs by, each at most {@value
 *     #MAX_TAG_LENGTH} characters
 * @param delay how long to wait before the run may start; the run is {@code DELAYED} until then
 * @param maxAttempts overrides the task's retry policy's attempts for this run
 * @param maxDuration overrides the task's maximum duration of one attempt for this run
 * @param idempotencyKeyTTL how long the idempotency key holds (default 30 days); a run that failed
 *     releases its key earlier
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TriggerOptions(
    String idempotencyKey,
    List<String> tags,
    Duration delay,
    Integer maxAttempts,
    Duration maxDuration,
    Duration idempotencyKeyTTL,
    Duration ttl,
    Debounce debounce,
    Duration priority) {
  public static final int MAX_TAGS = 10;
  public static final int MAX_TAG_LENGTH = 128;

  /** No options: the task's defaults. */
  public static final TriggerOptions NONE =
      new TriggerOptions(null, null, null, null, null, null, null, null, null);

  public TriggerOptions {
    tags = tags == null ? null : List.copyOf(tags);
    if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
      throw new IllegalArgumentException("maxDuration must be positive but was " + maxDuration);
    }
  }

  public TriggerOptions withIdempotencyKey(String key) {
    return new TriggerOptions(
        key, tags, delay, maxAttempts, maxDuration, idempotencyKeyTTL, ttl, debounce, priority);
  }

  public TriggerOptions withTags(String... newTags) {
    return new TriggerOptions(
        idempotencyKey,
        List.of(newTags),
        delay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        ttl,
        debounce,
        priority);
  }

  public TriggerOptions withDelay(Duration newDelay) {
    return new TriggerOptions(
        idempotencyKey,
        tags,
        newDelay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        ttl,
        debounce,
        priority);
  }

  public TriggerOptions withMaxAttempts(int attempts) {
    return new TriggerOptions(
        idempotencyKey,
        tags,
        delay,
        attempts,
        maxDuration,
        idempotencyKeyTTL,
        ttl,
        debounce,
        priority);
  }

  public TriggerOptions withMaxDuration(Duration newMaxDuration) {
    return new TriggerOptions(
        idempotencyKey,
        tags,
        delay,
        maxAttempts,
        newMaxDuration,
        idempotencyKeyTTL,
        ttl,
        debounce,
        priority);
  }

  /** How long the idempotency key holds; after that a trigger with it creates a new run. */
  public TriggerOptions withIdempotencyKeyTTL(Duration keyTtl) {
    return new TriggerOptions(
        idempotencyKey, tags, delay, maxAttempts, maxDuration, keyTtl, ttl, debounce, priority);
  }

  /** How long the run may wait to start; not started by then, it ends {@code EXPIRED}. */
  public TriggerOptions withTtl(Duration newTtl) {
    return new TriggerOptions(
        idempotencyKey,
        tags,
        delay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        newTtl,
        debounce,
        priority);
  }

  /**
   * Collapses triggers with the same {@code key} into one run: while the run is still delayed, a
   * trigger with the key updates it (its payload and tags win) and pushes its start back to {@code
   * delay} from now, but never past {@code maxDelay} after the first trigger (null: no bound).
   */
  public TriggerOptions withDebounce(String key, Duration delay, Duration maxDelay) {
    return new TriggerOptions(
        idempotencyKey,
        tags,
        this.delay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        ttl,
        new Debounce(key, delay, maxDelay),
        priority);
  }

  /**
   * Orders the run, within its queue, as if it had been triggered {@code priority} earlier (like
   * Trigger.dev's priority in seconds). A delayed run still starts no earlier than its delay.
   */
  public TriggerOptions withPriority(Duration newPriority) {
    return new TriggerOptions(
        idempotencyKey,
        tags,
        delay,
        maxAttempts,
        maxDuration,
        idempotencyKeyTTL,
        ttl,
        debounce,
        newPriority);
  }

  /** See {@link #withDebounce}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Debounce(String key, Duration delay, Duration maxDelay) {}
}
