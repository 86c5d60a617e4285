package dev.errand.server.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a schedule does with ticks it missed (the server was down, or the firer fell behind by more
 * than the grace period). Wire names are lower case: {@code skip}, {@code none}, {@code all}.
 */
public enum MissedTicks {
  /** The default: fire once, for the latest due tick, whether it was missed or not. */
  SKIP,
  /** Fire no missed tick; only ticks within the grace period fire. */
  NONE,
  /** Fire every missed tick, oldest first, up to a cap (the most recent ones). */
  ALL;

  /** The lower-case name used in JSON and the API. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the valid values when {@code wire} is not one of them
   */
  public static MissedTicks fromWire(String wire) {
    for (MissedTicks value : values()) {
      if (value.wireName().equals(wire)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "missed ticks policy \"%s\" is not one of %s"
            .formatted(
                wire,
                Arrays.stream(values())
                    .map(MissedTicks::wireName)
                    .collect(Collectors.joining(", "))));
  }
}
