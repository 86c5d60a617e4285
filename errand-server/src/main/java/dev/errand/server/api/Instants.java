package dev.errand.server.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** ISO-8601 instants from requests, within the years 1 to 9999 that both stores can hold. */
final class Instants {
  static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

  private Instants() {}

  /**
   * Parses {@code text}.
   *
   * @throws DateTimeParseException when it is not an ISO-8601 instant, or not within years 1 to
   *     9999 (a later one would reach the database and fail there)
   */
  static Instant parse(String text) {
    Instant instant = Instant.parse(text);
    if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
      throw new DateTimeParseException("outside the years 1 to 9999", text, 0);
    }
    return instant;
  }
}
