package dev.errand.server.webhook;

/** What a {@link Verifier} concluded about a delivery. */
public sealed interface Verification {

  /** The signature (or the explicit absence of one, for {@code none}) is accepted. */
  record Verified() implements Verification {}

  /**
   * The delivery is refused.
   *
   * @param status 400 when the request is malformed (a missing or unparsable header), 401 when it
   *     is well formed but not signed by a current secret or outside the time tolerance
   * @param code a short machine-readable reason, e.g. {@code signature_mismatch}, {@code
   *     timestamp_outside_tolerance}, {@code missing_header}, {@code malformed_header}
   * @param reason a short human-readable reason; never contains a secret or a signature value
   */
  record Rejected(int status, String code, String reason) implements Verification {}

  static Verification verified() {
    return new Verified();
  }

  static Verification malformed(String code, String reason) {
    return new Rejected(400, code, reason);
  }

  static Verification unauthorized(String code, String reason) {
    return new Rejected(401, code, reason);
  }
}
