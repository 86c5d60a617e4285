package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.errand.sdk.internal.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Options of one trigger. Every field is optional; {@code null} means the task's default. Build
 * them with the {@code with...} methods, starting from {@link #NONE}:
 *
 * <pre>{@code
 * TriggerOptions.NONE.withIdempotencyKey("order-42").withConcurrencyKey("customer-7")
 * }</pre>
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
 * @param ttl how long the run may wait to start before it ends {@code EXPIRED}
 * @param debounce collapses triggers with one key into one run (see {@link #withDebounce})
 * @param priority orders the run as if it had been triggered this much earlier
 * @param concurrencyKey the run's slice of its queue (see {@link #withConcurrencyKey})
 * @param metadata a JSON object stored with the run and returned by {@link Run#metadata()} (see
 *     {@link #withMetadata})
 * @param idempotencyKeyScope what the idempotency key is unique within when triggered inside a task
 *     (default {@link IdempotencyKeyScope#RUN}); applied by the SDK, not sent
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
    Duration priority,
    String concurrencyKey,
    JsonNode metadata,
    @JsonIgnore IdempotencyKeyScope idempotencyKeyScope) {
  public static final int MAX_TAGS = 10;
  public static final int MAX_TAG_LENGTH = 128;

  /** No options: the task's defaults. */
  public static final TriggerOptions NONE =
      new TriggerOptions(null, null, null, null, null, null, null, null, null, null, null, null);

  public TriggerOptions {
    tags = tags == null ? null : List.copyOf(tags);
    if (metadata != null && metadata.isNull()) {
      metadata = null;
    }
    if (metadata != null && !metadata.isObject()) {
      throw new IllegalArgumentException(
          "metadata must be a JSON object but was " + metadata.getNodeType());
    }
    metadata = metadata == null ? null : metadata.deepCopy();
    if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
      throw new IllegalArgumentException("maxDuration must be positive but was " + maxDuration);
    }
  }

  /** Options with only a concurrency key: {@code NONE.withConcurrencyKey(key)}. */
  public static TriggerOptions concurrencyKey(String key) {
    return NONE.withConcurrencyKey(key);
  }

  /**
   * A trigger with a key already used for the same task (within the key's TTL, and unless that run
   * failed) returns the existing run instead of creating one. Inside a task the key is scoped to
   * the run that triggers (see {@link #withIdempotencyKey(String, IdempotencyKeyScope)}).
   */
  public TriggerOptions withIdempotencyKey(String key) {
    return with(o -> o.idempotencyKey = key);
  }

  /**
   * Like {@link #withIdempotencyKey(String)}, with what the key is unique within when triggered
   * inside a task: the triggering run ({@code RUN}, the default), its current attempt ({@code
   * ATTEMPT}: a retry triggers again) or the whole environment ({@code GLOBAL}). Outside a task
   * every key is global.
   */
  public TriggerOptions withIdempotencyKey(String key, IdempotencyKeyScope scope) {
    return with(
        o -> {
          o.idempotencyKey = key;
          o.idempotencyKeyScope = scope;
        });
  }

  public TriggerOptions withTags(String... newTags) {
    return with(o -> o.tags = List.of(newTags));
  }

  public TriggerOptions withDelay(Duration newDelay) {
    return with(o -> o.delay = newDelay);
  }

  public TriggerOptions withMaxAttempts(int attempts) {
    return with(o -> o.maxAttempts = attempts);
  }

  public TriggerOptions withMaxDuration(Duration newMaxDuration) {
    return with(o -> o.maxDuration = newMaxDuration);
  }

  /** How long the idempotency key holds; after that a trigger with it creates a new run. */
  public TriggerOptions withIdempotencyKeyTTL(Duration keyTtl) {
    return with(o -> o.idempotencyKeyTTL = keyTtl);
  }

  /** How long the run may wait to start; not started by then, it ends {@code EXPIRED}. */
  public TriggerOptions withTtl(Duration newTtl) {
    return with(o -> o.ttl = newTtl);
  }

  /**
   * Collapses triggers with the same {@code key} into one run: while the run is still delayed, a
   * trigger with the key updates it (its payload and tags win) and pushes its start back to {@code
   * delay} from now, but never past {@code maxDelay} after the first trigger (null: no bound).
   */
  public TriggerOptions withDebounce(String key, Duration delay, Duration maxDelay) {
    return with(o -> o.debounce = new Debounce(key, delay, maxDelay));
  }

  /**
   * Orders the run, within its queue, as if it had been triggered {@code priority} earlier (like
   * Trigger.dev's priority in seconds). A delayed run still starts no earlier than its delay.
   */
  public TriggerOptions withPriority(Duration newPriority) {
    return with(o -> o.priority = newPriority);
  }

  /**
   * Gives the run its own slice of its queue, shared with the runs of the same key (a tenant, a
   * customer): the queue's concurrency limit applies to each key on its own, its total limit caps
   * them together, and free slots go to the keys round robin so that one busy key cannot starve the
   * others. At most 128 characters.
   */
  public TriggerOptions withConcurrencyKey(String key) {
    return with(o -> o.concurrencyKey = key);
  }

  /**
   * Attaches metadata to the run: a JSON object, made by Jackson from the map (its values may be
   * strings, numbers, booleans, lists, maps or any object Jackson serializes). It is stored as
   * given, returned by {@link Run#metadata()}, copied when the run is replayed, and not interpreted
   * by Errand. The server caps its size (64 KiB of JSON by default); keep it small and never put
   * secrets in it: like a payload, it is readable by anyone who may read the run. {@code null}
   * removes it.
   */
  public TriggerOptions withMetadata(Map<String, ?> newMetadata) {
    ObjectNode node = newMetadata == null ? null : Json.mapper().valueToTree(newMetadata);
    return with(o -> o.metadata = node);
  }

  /** See {@link #withDebounce}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Debounce(String key, Duration delay, Duration maxDelay) {}

  private TriggerOptions with(Consumer<Fields> change) {
    Fields f = new Fields(this);
    change.accept(f);
    return f.build();
  }

  /** The mutable copy the {@code with...} methods change one field of. */
  private static final class Fields {
    String idempotencyKey;
    List<String> tags;
    Duration delay;
    Integer maxAttempts;
    Duration maxDuration;
    Duration idempotencyKeyTTL;
    Duration ttl;
    Debounce debounce;
    Duration priority;
    String concurrencyKey;
    JsonNode metadata;
    IdempotencyKeyScope idempotencyKeyScope;

    Fields(TriggerOptions o) {
      idempotencyKey = o.idempotencyKey;
      tags = o.tags;
      delay = o.delay;
      maxAttempts = o.maxAttempts;
      maxDuration = o.maxDuration;
      idempotencyKeyTTL = o.idempotencyKeyTTL;
      ttl = o.ttl;
      debounce = o.debounce;
      priority = o.priority;
      concurrencyKey = o.concurrencyKey;
      metadata = o.metadata;
      idempotencyKeyScope = o.idempotencyKeyScope;
    }

    TriggerOptions build() {
      return new TriggerOptions(
          idempotencyKey,
          tags,
          delay,
          maxAttempts,
          maxDuration,
          idempotencyKeyTTL,
          ttl,
          debounce,
          priority,
          concurrencyKey,
          metadata,
          idempotencyKeyScope);
    }
  }
}
