package dev.errand.sdk;

import java.time.Instant;
import java.util.List;

/**
 * The payload of a run a schedule started. Immutable.
 *
 * @param timestamp the tick's nominal time (when the cron expression said, not when the run
 *     started)
 * @param lastTimestamp the previous tick's nominal time, or null for the schedule's first
 * @param timezone the schedule's IANA time zone
 * @param scheduleId the schedule ({@code sched_...})
 * @param externalId the schedule's external id (e.g. a user id), or null
 * @param upcoming the next ticks after this one, at most 5
 */
public record ScheduledEvent(
    Instant timestamp,
    Instant lastTimestamp,
    String timezone,
    String scheduleId,
    String externalId,
    List<Instant> upcoming) {}
