package dev.errand.server.store;

/**
 * A queue of an environment and what runs are in it.
 *
 * @param concurrencyLimit the limit its tasks declare, or null
 * @param concurrencyLimitOverride the limit set at run time, or null; wins over the declared one
 * @param queued runs waiting for a worker ({@code QUEUED}, and {@code DELAYED} ones)
 * @param running runs executing now (what the limit counts)
 * @param waiting runs suspended on a wait ({@code WAITING}; they hold no slot)
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
    Long rateWindowMillis) {

  /** The limit that applies: the override when set, else the declared one; null for none. */
  public Integer effectiveLimit() {
    return concurrencyLimitOverride != null ? concurrencyLimitOverride : concurrencyLimit;
  }
}
