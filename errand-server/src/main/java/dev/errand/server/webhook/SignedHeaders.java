package dev.errand.server.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** Reading the headers a signature depends on, defensively. */
final class SignedHeaders {
  /** Longer header values are refused before any parsing or hashing. */
  static final int MAX_VALUE_LENGTH = 8 * 1024;

  /** Unix seconds have 10 digits until the year 2286; 12 is generous and cannot overflow. */
  private static final int MAX_TIMESTAMP_DIGITS = 12;

  private SignedHeaders() {}

  /**
   * A 400 answer if any named header is absent or longer than {@link #MAX_VALUE_LENGTH}; empty when
   * all are usable.
   */
  static Optional<Verification> problem(Headers headers, String... names) {
    for (String name : names) {
      Optional<String> value = headers.first(name);
      if (value.isEmpty()) {
        return Optional.of(
            Verification.malformed("missing_header", "the " + name + " header is missing"));
      }
      if (value.get().length() > MAX_VALUE_LENGTH) {
        return Optional.of(
            Verification.malformed(
                "malformed_header",
                "the " + name + " header is longer than " + MAX_VALUE_LENGTH + " characters"));
      }
    }
    return Optional.empty();
  }

  /** The first value, trimmed; call after {@link #problem} found none. */
  static String value(Headers headers, String name) {
    return headers.first(name).orElse("").trim();
  }

  /** Unix seconds written as 1 to 12 ASCII digits, nothing else. */
  static OptionalLong unixSeconds(String text) {
    if (text.isEmpty() || text.length() > MAX_TIMESTAMP_DIGITS) {
      return OptionalLong.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(text));
  }

  /**
   * A 400 answer for a timestamp that is not unix seconds, a 401 answer for one further than {@code
   * tolerance} from {@code now} in either direction; empty when it is acceptable.
   */
  static Optional<Verification> timestampProblem(
      String headerName, String text, Instant now, Duration tolerance) {
    OptionalLong seconds = unixSeconds(text);
    if (seconds.isEmpty()) {
      return Optional.of(
          Verification.malformed(
              "malformed_header", "the " + headerName + " timestamp is not unix seconds"));
    }
    Duration skew = Duration.between(Instant.ofEpochSecond(seconds.getAsLong()), now).abs();
    if (skew.compareTo(tolerance) > 0) {
      return Optional.of(
          Verification.unauthorized(
              "timestamp_outside_tolerance",
              "the "
                  + headerName
                  + " timestamp is "
                  + skew.toSeconds()
                  + " s from the server's clock; the tolerance is "
                  + tolerance.toSeconds()
                  + " s"));
    }
    return Optional.empty();
  }

  static Verification mismatch(String headerName) {
    return Verification.unauthorized(
        "signature_mismatch", "no signature in " + headerName + " matches a current secret");
  }

  static Verification noSecret() {
    return Verification.unauthorized(
        "no_current_secret", "the endpoint has no current secret to verify with");
  }
}
