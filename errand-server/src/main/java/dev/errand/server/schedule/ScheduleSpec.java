package dev.errand.server.schedule;

import java.time.Duration;

/**
 * A schedule's settings as a caller gives them; null fields take their defaults (see {@link
 * Schedules}). Validated by {@link Schedules}.
 *
 * @param taskId the task to run
 * @param cron a 5-field cron expression
 * @param timezone an IANA zone id; UTC when null
 * @param externalId passed to every run, or null
 * @param deduplicationKey makes a create an update of the schedule with that key, or null
 * @param window spreads the schedule's runs: each fires a fixed offset within it after its time
 * @param missedTicks {@code skip} (the default), {@code none} or {@code all}
 * @param missedTickLimit most missed ticks {@code all} fires (default 100)
 * @param overlap {@code allow} (the default) or {@code skip}
 * @param active whether it fires (default true)
 */
public record ScheduleSpec(
    String taskId,
    String cron,
    String timezone,
    String externalId,
    String deduplicationKey,
    Duration window,
    String missedTicks,
    Integer missedTickLimit,
    String overlap,
    Boolean active) {}
