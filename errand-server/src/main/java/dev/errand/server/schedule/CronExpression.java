package dev.errand.server.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated five-field cron expression: {@code minute hour day-of-month month day-of-week}, with
 * Unix syntax: {@code *}, ranges {@code 1-5}, steps {@code *}{@code /15} and {@code 10-50/5}, lists
 * {@code 1,15,30}, month names {@code JAN}–{@code DEC}, day names {@code SUN}–{@code SAT} (any
 * case), {@code 0} and {@code 7} both Sunday, {@code L} (last day) and {@code L-3} in the
 * day-of-month, and {@code 5L} (last Friday of the month) in the day-of-week.
 *
 * <p>When both the day-of-month and the day-of-week are restricted (neither is {@code *}), a day
 * matching <em>either</em> fires, as in Unix cron: {@code 0 12 1 * 1} fires on the 1st and on every
 * Monday. Unlike Vixie cron, a step such as {@code *}{@code /2} counts as restricted.
 *
 * <p>Parsing and tick computation are delegated to cron-utils with a custom definition (its UNIX
 * definition has no {@code L}). This class only knows wall-clock ticks; {@link ScheduleTimes} maps
 * them to instants in a zone. Immutable and thread-safe.
 */
public final class CronExpression {
  static final List<String> FIELD_NAMES =
      List.of("minute", "hour", "day-of-month", "month", "day-of-week");

  private static final CronDefinition DEFINITION =
      CronDefinitionBuilder.defineCron()
          .withMinutes()
          .withValidRange(0, 59)
          .withStrictRange()
          .and()
          .withHours()
          .withValidRange(0, 23)
          .withStrictRange()
          .and()
          .withDayOfMonth()
          .supportsL()
          .withValidRange(1, 31)
          .withStrictRange()
          .and()
          .withMonth()
          .withValidRange(1, 12)
          .withStrictRange()
          .and()
          .withDayOfWeek()
          .withValidRange(0, 7)
          .withMondayDoWValue(1)
          .withIntMapping(7, 0)
          .supportsL()
          .withStrictRange()
          .and()
          .instance();

  private static final Pattern DAY_NAME =
      Pattern.compile("\\b(SUN|MON|TUE|WED|THU|FRI|SAT)\\b", Pattern.CASE_INSENSITIVE);
  private static final List<String> DAY_NAMES =
      List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final Pattern OUT_OF_RANGE =
      Pattern.compile("Value (\\S+) not in range \\[(-?\\d+), (-?\\d+)]");
  private static final Pattern BAD_STEP = Pattern.compile("Period (\\S+) not in range");
  private static final ZonedDateTime NEVER_FIRES_PROBE =
      ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private final String text;
  private final boolean intervalHours;
  private final ExecutionTime wallClock;

  private CronExpression(String text, boolean intervalHours, ExecutionTime wallClock) {
    this.text = text;
    this.intervalHours = intervalHours;
    this.wallClock = wallClock;
  }

  /**
   * Parses and validates {@code text}.
   *
   * @throws InvalidCronException for a null or empty text, a wrong number of fields, an
   *     out-of-range value, bad syntax, or an expression that never fires (e.g. {@code 0 0 30 2 *})
   */
  public static CronExpression parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidCronException(
          "cron expression is empty; expected 5 fields: " + String.join(" ", FIELD_NAMES));
    }
    String[] fields = text.strip().split("\\s+");
    String normalized = String.join(" ", fields);
    if (fields.length != 5) {
      throw new InvalidCronException(
          "cron expression \"%s\" has %d field%s; expected 5: %s"
              .formatted(
                  normalized,
                  fields.length,
                  fields.length == 1 ? "" : "s",
                  String.join(" ", FIELD_NAMES)));
    }
    String[] forCronUtils = fields.clone();
    forCronUtils[4] = dayNamesToNumbers(fields[4]);
    CronParser parser = new CronParser(DEFINITION);
    for (int i = 0; i < 5; i++) {
      String[] probe = {"*", "*", "*", "*", "*"};
      probe[i] = forCronUtils[i];
      try {
        parser.parse(String.join(" ", probe)).validate();
      } catch (RuntimeException e) {
        throw new InvalidCronException(
            "field %d (%s) \"%s\": %s"
                .formatted(i + 1, FIELD_NAMES.get(i), fields[i], reason(e.getMessage())));
      }
    }
    Cron cron;
    try {
      cron = parser.parse(String.join(" ", forCronUtils)).validate();
    } catch (RuntimeException e) {
      throw new InvalidCronException(
          "cron expression \"%s\": %s".formatted(normalized, reason(e.getMessage())));
    }
    ExecutionTime wallClock = ExecutionTime.forCron(cron);
    if (wallClock.nextExecution(NEVER_FIRES_PROBE).isEmpty()) {
      throw new InvalidCronException(
          "cron expression \"%s\" never fires: no date matches its day and month fields"
              .formatted(normalized));
    }
    boolean intervalHours = fields[1].contains("*") || fields[1].contains("/");
    return new CronExpression(normalized, intervalHours, wallClock);
  }

  /** The expression as given, trimmed, with fields separated by single spaces. */
  public String text() {
    return text;
  }

  /**
   * Whether the hour field is {@code *} or a step, which makes this an interval job for
   * daylight-saving purposes (see {@link ScheduleTimes}).
   */
  boolean hasIntervalHours() {
    return intervalHours;
  }

  /** The first wall-clock tick strictly after {@code local}. */
  LocalDateTime nextWallClockAfter(LocalDateTime local) {
    return wallClock
        .nextExecution(local.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime)
        .orElseThrow(
            () -> new IllegalStateException("\"" + text + "\" has no tick after " + local));
  }

  /** The last wall-clock tick at or before {@code local}, if there is one. */
  Optional<LocalDateTime> lastWallClockAtOrBefore(LocalDateTime local) {
    LocalDateTime justAfterMinute = local.truncatedTo(ChronoUnit.MINUTES).plusSeconds(1);
    return wallClock
        .lastExecution(justAfterMinute.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime);
  }

  private static String dayNamesToNumbers(String field) {
    Matcher m = DAY_NAME.matcher(field);
    return m.replaceAll(
        r -> String.valueOf(DAY_NAMES.indexOf(r.group(1).toUpperCase(Locale.ROOT))));
  }

  private static String reason(String message) {
    if (message == null || message.isBlank()) {
      return "invalid syntax";
    }
    String m = message.replaceFirst("^Failed to parse cron expression\\.\\s*", "");
    Matcher range = OUT_OF_RANGE.matcher(m);
    if (range.find()) {
      return "%s is out of range %s-%s".formatted(range.group(1), range.group(2), range.group(3));
    }
    Matcher step = BAD_STEP.matcher(m);
    if (step.find()) {
      return "step " + step.group(1) + " is not allowed";
    }
    return m.isEmpty() ? "invalid syntax" : m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronExpression other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
