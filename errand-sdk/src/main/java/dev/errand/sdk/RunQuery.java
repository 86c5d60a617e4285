package dev.errand.sdk;

import java.time.Instant;

/**
 * Filters and paging for listing runs; {@code null} fields do not filter. Runs come newest first.
 *
 * @param limit page size, 1 to 100 (default 25)
 * @param cursor the {@code nextCursor} of the previous page
 * @param scheduleId only runs this schedule ({@code sched_...}) started
 */
public record RunQuery(
    RunStatus status,
    String taskIdentifier,
    String tag,
    Instant from,
    Instant to,
    Integer limit,
    String cursor,
    String scheduleId) {

  public static final RunQuery ALL = new RunQuery(null, null, null, null, null, null, null, null);

  public RunQuery withStatus(RunStatus s) {
    return new RunQuery(s, taskIdentifier, tag, from, to, limit, cursor, scheduleId);
  }

  public RunQuery withTaskIdentifier(String t) {
    return new RunQuery(status, t, tag, from, to, limit, cursor, scheduleId);
  }

  public RunQuery withTag(String t) {
    return new RunQuery(status, taskIdentifier, t, from, to, limit, cursor, scheduleId);
  }

  public RunQuery withLimit(int l) {
    return new RunQuery(status, taskIdentifier, tag, from, to, l, cursor, scheduleId);
  }

  public RunQuery withScheduleId(String id) {
    return new RunQuery(status, taskIdentifier, tag, from, to, limit, cursor, id);
  }

  public RunQuery withCursor(String c) {
    return new RunQuery(status, taskIdentifier, tag, from, to, limit, c, scheduleId);
  }
}
