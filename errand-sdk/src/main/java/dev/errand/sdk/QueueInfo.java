package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

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
    java.time.Duration rateWindow) {}
