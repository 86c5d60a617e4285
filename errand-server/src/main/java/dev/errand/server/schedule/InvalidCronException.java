package dev.errand.server.schedule;

/**
 * A cron expression that {@link CronExpression#parse(String)} rejected. The message names the field
 * (position 1–5 and name) when one field is at fault, the offending text and the reason, e.g.
 * {@code field 2 (hour) "25": 25 is out of range 0-23}.
 */
public final class InvalidCronException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidCronException(String message) {
    super(message);
  }
}
