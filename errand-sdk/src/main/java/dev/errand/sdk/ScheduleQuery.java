package dev.errand.sdk;

/**
 * Filter and paging for {@link Schedules#list}; {@code null} fields do not filter.
 *
 * <pre>{@code
 * SchedulePage page = client.schedules().list(ScheduleQuery.ALL.withTask("daily-report"));
 * }</pre>
 *
 * @param task only the schedules of the task with this id
 * @param limit page size, 1 to 100 (server default 25)
 * @param cursor the {@code nextCursor} of the previous page
 */
public record ScheduleQuery(String task, Integer limit, String cursor) {

  /** Every schedule of the environment, the first page. */
  public static final ScheduleQuery ALL = new ScheduleQuery(null, null, null);

  public ScheduleQuery withTask(String t) {
    return new ScheduleQuery(t, limit, cursor);
  }

  public ScheduleQuery withLimit(int l) {
    return new ScheduleQuery(task, l, cursor);
  }

  public ScheduleQuery withCursor(String c) {
    return new ScheduleQuery(task, limit, c);
  }
}
