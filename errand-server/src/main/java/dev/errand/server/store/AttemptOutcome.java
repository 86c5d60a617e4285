package dev.errand.server.store;

import dev.errand.sdk.RunStatus;
import java.util.UUID;

/**
 * How an attempt ended, as decided by the engine, for {@link Store#finishAttempts}.
 *
 * <ul>
 *   <li>{@link Kind#SUCCEEDED}: the run becomes {@code COMPLETED} with {@code outputJson}.
 *   <li>{@link Kind#FAILED}: the attempt is {@code FAILED} with {@code errorJson}; the run goes
 *       back to {@code QUEUED}, due in {@code retryDelayMillis}, when {@code retryable} and
 *       attempts remain ({@code attemptCount < maxAttempts}), else it becomes {@code
 *       exhaustedStatus} ({@code FAILED} or {@code TIMED_OUT}).
 *   <li>{@link Kind#LEASE_EXPIRED}: only matches when the lease really expired by the database
 *       clock; the attempt is {@code CRASHED}; the run is requeued due now while attempts remain,
 *       else {@code CRASHED}.
 * </ul>
 *
 * @param attempt the attempt number the lease was granted for; must match the run's
 */
public record AttemptOutcome(
    UUID runId,
    long leaseToken,
    int attempt,
    Kind kind,
    String outputJson,
    String errorJson,
    boolean retryable,
    long retryDelayMillis,
    RunStatus exhaustedStatus) {

  public enum Kind {
    SUCCEEDED,
    FAILED,
    LEASE_EXPIRED
  }
}
