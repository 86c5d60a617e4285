package dev.errand.sdk;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;

/**
 * A schedule declared in code ({@link Task#scheduled}): the server keeps it in sync with the code
 * each time a worker registers the task, and deactivates it once the task no longer declares one.
 * Immutable.
 *
 * @param cron a 5-field cron expression: minute, hour, day of month, month, day of week (0 and 7
 *     are Sunday; {@code L} is the last day of the month, {@code 5L} the last Friday)
 * @param zone the time zone the expression is read in
 * @param missedTicks what fires after the server was down over ticks
 * @param overlap whether a tick may start while the previous tick's run is still going
 */
public record Schedule(String cron, ZoneId zone, MissedTicks missedTicks, Overlap overlap) {

  public Schedule {
    Objects.requireNonNull(cron, "cron");
    if (cron.isBlank()) {
      throw new IllegalArgumentException("cron must not be blank");
    }
    Objects.requireNonNull(zone, "zone");
    if (zone.equals(java.time.ZoneOffset.UTC)) {
      zone = ZoneId.of("UTC"); // schedules take IANA zone names
    }
    missedTicks = missedTicks == null ? MissedTicks.SKIP : missedTicks;
    overlap = overlap == null ? Overlap.ALLOW : overlap;
  }

  /** What fires after downtime over one or more ticks. */
  public enum MissedTicks {
    /** Only the latest missed tick (the default). */
    SKIP,
    /** None of the missed ticks; the next tick fires as usual. */
    NONE,
    /** Every missed tick, oldest first, up to the schedule's limit. */
    ALL;

    /** The lower-case name the API uses. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether a tick may start while the previous tick's run has not finished. */
  public enum Overlap {
    /** It may (the default). */
    ALLOW,
    /** It is skipped. */
    SKIP;

    /** The lower-case name the API uses. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
