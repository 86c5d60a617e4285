package dev.errand.server.engine;

import java.time.Duration;

/**
 * Timing of the run engine. Validated on construction.
 *
 * @param leaseDuration how long a claimed run stays a worker's without a heartbeat
 * @param reaperInterval how often expired leases, expired runs and pending bulk actions are looked
 *     for
 * @param pollInterval how often a waiting claim looks again without a signal (covers other nodes)
 * @param maxClaimWait longest a claim request waits
 */
public record EngineConfig(
    Duration leaseDuration, Duration reaperInterval, Duration pollInterval, Duration maxClaimWait) {

  /** Lease without a heartbeat: 30 seconds. Workers heartbeat every third of it. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

  /** Expired-lease scan interval: 1 second. */
  public static final Duration DEFAULT_REAPER_INTERVAL = Duration.ofSeconds(1);

  /** Re-check interval of a waiting claim: 1 second. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** Longest claim wait: 25 seconds. */
  public static final Duration DEFAULT_MAX_CLAIM_WAIT = Duration.ofSeconds(25);

  public static final EngineConfig DEFAULTS =
      new EngineConfig(
          DEFAULT_LEASE_DURATION,
          DEFAULT_REAPER_INTERVAL,
          DEFAULT_POLL_INTERVAL,
          DEFAULT_MAX_CLAIM_WAIT);

  public EngineConfig {
    positive("leaseDuration", leaseDuration);
    positive("reaperInterval", reaperInterval);
    positive("pollInterval", pollInterval);
    positive("maxClaimWait", maxClaimWait);
    if (leaseDuration.toMillis() < 30) {
      throw new IllegalArgumentException(
          "leaseDuration must be at least 30ms, was " + leaseDuration);
    }
  }

  public Duration heartbeatInterval() {
    return leaseDuration.dividedBy(3);
  }

  private static void positive(String name, Duration d) {
    if (d == null || !d.isPositive()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
    }
  }
}
