package dev.errand.server.store;

/**
 * A queue of an environment and what runs are in it.
 *
 * @param concurrencyLimit the limit its tasks declare, or null
 * @param concurrencyLimitOverride the limit set at run time, or null; wins over the declared one
 * @param queued runs waiting for a worker ({@code QUEUED}, and {@code DELAYED} ones)
 * @param running runs executing now (what the limit counts)
 * @param waiting runs suspended on a wait ({@code WAITING}; they hold no slot)
 * @param totalConcurrencyLimit the cap across concurrency keys, or null; with keys, {@link
 *     #effectiveLimit()} applies to each key
 * @param rateLimitPerKey whether the rate limit applies to each concurrency key on its own
 * @param keys runs per concurrency key (the busiest first, at most {@link #MAX_KEYS}); empty in
 *     lists and settings
 * @param keyCount how many keys have runs queued, executing or waiting
 */
public record QueueRecord(
    String name,
    Integer concurrencyLimit,
    Integer concurrencyLimitOverride,
    boolean paused,
    long queued,
    long running,
    long waiting,
    Integer rateLimit,
    Long rateWindowMillis,
    Integer totalConcurrencyLimit,
    boolean rateLimitPerKey,
    java.util.List<KeyCounts> keys,
    long keyCount) {

  /** Most keys a queue's breakdown lists: {@value}. */
  public static final int MAX_KEYS = 100;

  public QueueRecord {
    keys = keys == null ? java.util.List.of() : java.util.List.copyOf(keys);
  }

  /** The runs of one concurrency key ({@code ""} for runs without one). */
  public record KeyCounts(String key, long queued, long running, long waiting) {}

  /** This queue with its per-key breakdown. */
  public QueueRecord withKeys(java.util.List<KeyCounts> newKeys, long newKeyCount) {
    return new QueueRecord(
        name,
        concurrencyLimit,
        concurrencyLimitOverride,
        paused,
        queued,
        running,
        waiting,
        rateLimit,
        rateWindowMillis,
        totalConcurrencyLimit,
        rateLimitPerKey,
        newKeys,
        newKeyCount);
  }

  /** The limit that applies: the override when set, else the declared one; null for none. */
  public Integer effectiveLimit() {
    return concurrencyLimitOverride != null ? concurrencyLimitOverride : concurrencyLimit;
  }
}
