package dev.errand.server.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A schedule as stored.
 *
 * @param cron a validated 5-field cron expression
 * @param timezone an IANA zone id
 * @param externalId passed to every run (e.g. a user id), or null
 * @param deduplicationKey makes a create an update of the schedule with that key, or null
 * @param declarative declared in code (one per task, synced when a worker registers the task)
 * @param missedTicks {@code skip}, {@code none} or {@code all}
 * @param missedCap most missed ticks {@code all} fires
 * @param overlap {@code allow} or {@code skip}
 * @param windowMillis spread: each tick fires this schedule's fixed offset within it after its time
 * @param lastTickAt the nominal time of the last tick handled (fired or skipped), or null
 * @param nextTickAt the nominal time of the next tick, or null when inactive
 * @param nextFireAt when the next tick fires: its time plus the window offset
 * @param lastRunId the run of the last fired tick, or null
 */
public record ScheduleRecord(
    UUID id,
    UUID environmentId,
    String taskId,
    String cron,
    String timezone,
    String externalId,
    String deduplicationKey,
    boolean declarative,
    boolean active,
    String missedTicks,
    int missedCap,
    String overlap,
    long windowMillis,
    Instant lastTickAt,
    Instant nextTickAt,
    Instant nextFireAt,
    UUID lastRunId,
    Instant createdAt,
    Instant updatedAt) {

  /** The same schedule with its next tick (and when it fires) set. */
  public ScheduleRecord withNext(boolean nowActive, Instant nextTick, Instant nextFire) {
    return new ScheduleRecord(
        id,
        environmentId,
        taskId,
        cron,
        timezone,
        externalId,
        deduplicationKey,
        declarative,
        nowActive,
        missedTicks,
        missedCap,
        overlap,
        windowMillis,
        lastTickAt,
        nextTick,
        nextFire,
        lastRunId,
        createdAt,
        updatedAt);
  }
}
