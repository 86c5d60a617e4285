package dev.errand.server.engine;

import dev.errand.server.store.Store;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Environments' caps on executing runs, as claims read them: from the store at most once per {@link
 * #FRESHNESS} per environment, so a claim does not pay a query for a setting that rarely changes. A
 * change made on this node applies at once; one made on another node within {@link #FRESHNESS}.
 *
 * <p>Thread-safe.
 */
final class EnvironmentLimits {
  /** How long a read cap is used before it is read again: {@value #FRESHNESS_MILLIS} ms. */
  static final long FRESHNESS_MILLIS = 1_000;

  static final Duration FRESHNESS = Duration.ofMillis(FRESHNESS_MILLIS);

  private record Read(Integer limit, long atNanos) {}

  private final Store store;
  private final Map<UUID, Read> reads = new ConcurrentHashMap<>();

  EnvironmentLimits(Store store) {
    this.store = store;
  }

  /** The cap, or null for none. */
  Integer limit(UUID environmentId) {
    long now = System.nanoTime();
    Read read = reads.get(environmentId);
    if (read == null || now - read.atNanos() > FRESHNESS.toNanos()) {
      read = new Read(store.environmentConcurrencyLimit(environmentId), now);
      reads.put(environmentId, read);
    }
    return read.limit();
  }

  /** Sets the cap (null removes it); claims on this node use it at once. */
  void set(UUID environmentId, Integer limit) {
    store.setEnvironmentConcurrencyLimit(environmentId, limit);
    reads.remove(environmentId);
  }
}
