package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A schedule as read back from the server ({@link Schedules}). Immutable.
 *
 * @param id its id, {@code sched_...}
 * @param task the id of the task each tick triggers
 * @param type {@code DECLARATIVE} when declared in code ({@link Task#scheduled}; only the code
 *     changes it), otherwise {@code IMPERATIVE}
 * @param timezone the IANA name of the zone the cron expression is read in
 * @param externalId passed to every run, or null
 * @param deduplicationKey the key a create with the same key updates it by, or null
 * @param active whether it fires (the API's {@code status} is {@code active} or {@code inactive})
 * @param window the window its runs are spread over, or null for none
 * @param missedTickLimit most missed ticks {@link Schedule.MissedTicks#ALL} fires
 * @param nextRuns its next (up to) 5 ticks, the first soonest; empty when inactive
 * @param lastRun the run its latest tick triggered, or null before the first tick
 * @param lastTimestamp the time of its latest tick, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScheduleInfo(
    String id,
    String task,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_VALUES) Type type,
    String cron,
    String timezone,
    String externalId,
    String deduplicationKey,
    boolean active,
    Duration window,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_VALUES)
        Schedule.MissedTicks missedTicks,
    int missedTickLimit,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_VALUES) Schedule.Overlap overlap,
    List<Instant> nextRuns,
    LastRun lastRun,
    Instant lastTimestamp,
    Instant createdAt,
    Instant updatedAt) {

  public ScheduleInfo {
    nextRuns = nextRuns == null ? List.of() : List.copyOf(nextRuns);
  }

  /** Who owns a schedule's settings. */
  public enum Type {
    /** Declared in code with {@link Task#scheduled}: kept in sync each time a worker registers. */
    DECLARATIVE,
    /** Made through the API ({@link Schedules#create}), the dashboard or the CLI. */
    IMPERATIVE
  }

  /**
   * The run a schedule's latest tick triggered.
   *
   * @param id the run's id
   * @param status its status now, or null once the run is no longer kept
   * @param timestamp the tick's time
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record LastRun(String id, RunStatus status, Instant timestamp) {}
}
