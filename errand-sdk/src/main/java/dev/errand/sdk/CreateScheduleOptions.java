package dev.errand.sdk;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings of a schedule made at run time ({@link Schedules#create}) or replaced ({@link
 * Schedules#update}). Start from the task, then set the cron expression and whatever else differs
 * from the defaults:
 *
 * <pre>{@code
 * CreateScheduleOptions options = CreateScheduleOptions.task("daily-report")
 *     .cron("0 9 * * 1-5")
 *     .timezone(ZoneId.of("Europe/Paris"))
 *     .externalId("user-1")
 *     .deduplicationKey("user-1-report");
 * ScheduleInfo schedule = client.schedules().create(options);
 * }</pre>
 *
 * <p>Unset settings take the server's defaults: UTC, no external id, no deduplication key, no
 * window, {@link Schedule.MissedTicks#SKIP}, a missed tick limit of {@value
 * #DEFAULT_MISSED_TICK_LIMIT}, {@link Schedule.Overlap#ALLOW}, active. The server checks the cron
 * expression and that the time zone is an IANA name it knows ({@link Schedules#timezones}).
 *
 * <p>Immutable and thread-safe: each method returns a new instance.
 */
public final class CreateScheduleOptions {
  /** Most missed ticks {@link Schedule.MissedTicks#ALL} fires when no limit is set: {@value}. */
  public static final int DEFAULT_MISSED_TICK_LIMIT = 100;

  /** Largest missed tick limit: {@value}. */
  public static final int MAX_MISSED_TICK_LIMIT = 1_000;

  /** Longest window: 1 day. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  private final String task;
  private final String cron;
  private final ZoneId timezone;
  private final String externalId;
  private final String deduplicationKey;
  private final Duration window;
  private final Schedule.MissedTicks missedTicks;
  private final Integer missedTickLimit;
  private final Schedule.Overlap overlap;
  private final boolean active;

  private CreateScheduleOptions(Fields f) {
    this.task = f.task;
    this.cron = f.cron;
    this.timezone = f.timezone;
    this.externalId = f.externalId;
    this.deduplicationKey = f.deduplicationKey;
    this.window = f.window;
    this.missedTicks = f.missedTicks;
    this.missedTickLimit = f.missedTickLimit;
    this.overlap = f.overlap;
    this.active = f.active;
  }

  /** Options for a schedule of the task with this id; give it a {@link #cron} too. */
  public static CreateScheduleOptions task(String taskId) {
    Objects.requireNonNull(taskId, "task");
    if (!Task.ID_PATTERN.matcher(taskId).matches()) {
      throw new IllegalArgumentException(
          "task must match " + Task.ID_PATTERN.pattern() + ", was '" + taskId + "'");
    }
    Fields f = new Fields();
    f.task = taskId;
    f.active = true;
    return new CreateScheduleOptions(f);
  }

  /**
   * When it fires: a 5-field cron expression (minute, hour, day of month, month, day of week), such
   * as {@code "0 9 * * 1-5"}. Required.
   */
  public CreateScheduleOptions cron(String expression) {
    Objects.requireNonNull(expression, "cron");
    if (expression.isBlank()) {
      throw new IllegalArgumentException("cron must not be blank");
    }
    return with(f -> f.cron = expression.trim());
  }

  /** The time zone the cron expression is read in (default UTC), with its daylight saving time. */
  public CreateScheduleOptions timezone(ZoneId zone) {
    Objects.requireNonNull(zone, "timezone");
    return with(f -> f.timezone = zone.equals(ZoneOffset.UTC) ? ZoneId.of("UTC") : zone);
  }

  /** Passed to every run as {@link ScheduledEvent#externalId()}, such as the user it is for. */
  public CreateScheduleOptions externalId(String id) {
    return with(f -> f.externalId = id);
  }

  /**
   * Makes {@link Schedules#create} idempotent: a create with a key that a schedule of the
   * environment already has updates that schedule instead of making another.
   */
  public CreateScheduleOptions deduplicationKey(String key) {
    return with(f -> f.deduplicationKey = key);
  }

  /**
   * Spreads the runs of many schedules with the same cron expression: each tick fires at a fixed
   * offset within {@code window} after its time, the same offset every tick. Positive, at most
   * {@link #MAX_WINDOW}.
   */
  public CreateScheduleOptions window(Duration duration) {
    Objects.requireNonNull(duration, "window");
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "window must be positive and at most 1 day, was " + duration);
    }
    return with(f -> f.window = duration);
  }

  /** What fires after the server was down over one or more ticks (default {@code SKIP}). */
  public CreateScheduleOptions missedTicks(Schedule.MissedTicks policy) {
    Objects.requireNonNull(policy, "missedTicks");
    return with(f -> f.missedTicks = policy);
  }

  /**
   * Most missed ticks {@link Schedule.MissedTicks#ALL} fires, from 1 to {@value
   * #MAX_MISSED_TICK_LIMIT} (default {@value #DEFAULT_MISSED_TICK_LIMIT}).
   */
  public CreateScheduleOptions missedTickLimit(int limit) {
    if (limit < 1 || limit > MAX_MISSED_TICK_LIMIT) {
      throw new IllegalArgumentException(
          "missedTickLimit must be from 1 to " + MAX_MISSED_TICK_LIMIT + ", was " + limit);
    }
    return with(f -> f.missedTickLimit = limit);
  }

  /** Whether a tick may start while the previous tick's run is going (default {@code ALLOW}). */
  public CreateScheduleOptions overlap(Schedule.Overlap policy) {
    Objects.requireNonNull(policy, "overlap");
    return with(f -> f.overlap = policy);
  }

  /** Whether it fires (default true); an inactive schedule keeps its settings and fires nothing. */
  public CreateScheduleOptions active(boolean isActive) {
    return with(f -> f.active = isActive);
  }

  public String task() {
    return task;
  }

  /** The cron expression, or null when not set yet. */
  public String cron() {
    return cron;
  }

  /** The time zone, or null for the server's default (UTC). */
  public ZoneId timezone() {
    return timezone;
  }

  public String externalId() {
    return externalId;
  }

  public String deduplicationKey() {
    return deduplicationKey;
  }

  /** The window, or null for none. */
  public Duration window() {
    return window;
  }

  /** The missed tick policy, or null for the default ({@code SKIP}). */
  public Schedule.MissedTicks missedTicks() {
    return missedTicks;
  }

  /** The missed tick limit, or null for the default ({@value #DEFAULT_MISSED_TICK_LIMIT}). */
  public Integer missedTickLimit() {
    return missedTickLimit;
  }

  /** The overlap policy, or null for the default ({@code ALLOW}). */
  public Schedule.Overlap overlap() {
    return overlap;
  }

  public boolean active() {
    return active;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CreateScheduleOptions c
        && c.task.equals(task)
        && Objects.equals(c.cron, cron)
        && Objects.equals(c.timezone, timezone)
        && Objects.equals(c.externalId, externalId)
        && Objects.equals(c.deduplicationKey, deduplicationKey)
        && Objects.equals(c.window, window)
        && c.missedTicks == missedTicks
        && Objects.equals(c.missedTickLimit, missedTickLimit)
        && c.overlap == overlap
        && c.active == active;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        task,
        cron,
        timezone,
        externalId,
        deduplicationKey,
        window,
        missedTicks,
        missedTickLimit,
        overlap,
        active);
  }

  @Override
  public String toString() {
    return "CreateScheduleOptions[task="
        + task
        + ", cron="
        + cron
        + (timezone == null ? "" : ", timezone=" + timezone)
        + (externalId == null ? "" : ", externalId=" + externalId)
        + (deduplicationKey == null ? "" : ", deduplicationKey=" + deduplicationKey)
        + (window == null ? "" : ", window=" + window)
        + (missedTicks == null ? "" : ", missedTicks=" + missedTicks)
        + (missedTickLimit == null ? "" : ", missedTickLimit=" + missedTickLimit)
        + (overlap == null ? "" : ", overlap=" + overlap)
        + (active ? "" : ", inactive")
        + "]";
  }

  private CreateScheduleOptions with(Consumer<Fields> change) {
    Fields f = new Fields();
    f.task = task;
    f.cron = cron;
    f.timezone = timezone;
    f.externalId = externalId;
    f.deduplicationKey = deduplicationKey;
    f.window = window;
    f.missedTicks = missedTicks;
    f.missedTickLimit = missedTickLimit;
    f.overlap = overlap;
    f.active = active;
    change.accept(f);
    return new CreateScheduleOptions(f);
  }

  /** The mutable copy the fluent methods change one field of. */
  private static final class Fields {
    String task;
    String cron;
    ZoneId timezone;
    String externalId;
    String deduplicationKey;
    Duration window;
    Schedule.MissedTicks missedTicks;
    Integer missedTickLimit;
    Schedule.Overlap overlap;
    boolean active;
  }
}
