package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A queue as read back from the server.
 *
 * @param concurrencyLimit the limit that applies (the override when set), or null for none
 * @param declaredConcurrencyLimit the limit its tasks declare ({@link Queue#concurrencyLimit})
 * @param concurrencyLimitOverride the limit set at run time, or null
 * @param paused whether claims start none of its runs
 * @param queued runs waiting for a worker (queued or delayed)
 * @param running runs executing now: what the limit counts
 * @param waiting runs suspended on a wait, which hold no slot
 * @param rateLimit runs that may start per {@code rateWindow}, or null
 * @param rateLimitPerKey whether the rate limit applies to each concurrency key on its own
 * @param totalConcurrencyLimit the cap across concurrency keys, or null
 * @param keyCount how many concurrency keys have runs queued, running or waiting ({@link
 *     Queues#get} only)
 * @param keys runs per concurrency key, the busiest first, at most 100 ({@link Queues#get} only;
 *     runs without a key have a null key)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QueueInfo(
    String name,
    Integer concurrencyLimit,
    Integer declaredConcurrencyLimit,
    Integer concurrencyLimitOverride,
    boolean paused,
    long queued,
    long running,
    long waiting,
    Integer rateLimit,
    java.time.Duration rateWindow,
    boolean rateLimitPerKey,
    Integer totalConcurrencyLimit,
    long keyCount,
    List<KeyInfo> keys) {

  public QueueInfo {
    keys = keys == null ? List.of() : List.copyOf(keys);
  }

  /** The runs of one concurrency key (null: runs without a key). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record KeyInfo(String key, long queued, long running, long waiting) {}
}
