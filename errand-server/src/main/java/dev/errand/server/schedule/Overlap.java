package dev.errand.server.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a schedule does when a tick comes while the run of an earlier tick is still going. Wire
 * names are lower case: {@code allow}, {@code skip}.
 */
public enum Overlap {
  /** Start the new run anyway. */
  ALLOW,
  /** Do not start a run for this tick. */
  SKIP;

  /** The lower-case name used in JSON and the API. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the valid values when {@code wire} is not one of them
   */
  public static Overlap fromWire(String wire) {
    for (Overlap value : values()) {
      if (value.wireName().equals(wire)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "overlap policy \"%s\" is not one of %s"
            .formatted(
                wire,
                Arrays.stream(values()).map(Overlap::wireName).collect(Collectors.joining(", "))));
  }
}
