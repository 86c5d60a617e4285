package dev.errand.server.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Slack's scheme: {@code X-Slack-Signature: v0=<hex>}, an HMAC-SHA256 of {@code
 * v0:{X-Slack-Request-Timestamp}:{body}} keyed with the signing secret's UTF-8 bytes.
 */
final class SlackVerifier implements Verifier {
  static final String SIGNATURE = "X-Slack-Signature";
  static final String TIMESTAMP = "X-Slack-Request-Timestamp";
  private static final String VERSION = "v0=";

  private final Duration tolerance;

  SlackVerifier(Duration tolerance) {
    this.tolerance = tolerance;
  }

  @Override
  public Verification verify(WebhookRequest request, List<String> secrets, Instant now) {
    Headers headers = request.headers();
    Optional<Verification> problem = SignedHeaders.problem(headers, TIMESTAMP, SIGNATURE);
    if (problem.isPresent()) {
      return problem.get();
    }
    String timestamp = SignedHeaders.value(headers, TIMESTAMP);
    problem = SignedHeaders.timestampProblem(TIMESTAMP, timestamp, now, tolerance);
    if (problem.isPresent()) {
      return problem.get();
    }
    String signature = SignedHeaders.value(headers, SIGNATURE);
    Optional<byte[]> candidate =
        signature.startsWith(VERSION)
            ? SignatureEncoding.hex(signature.substring(VERSION.length()))
            : Optional.empty();
    if (candidate.isEmpty()) {
      return Verification.malformed(
          "malformed_header", "the " + SIGNATURE + " header is not v0= followed by hex digits");
    }
    List<byte[]> keys = Hmac.utf8Keys(secrets);
    if (keys.isEmpty()) {
      return SignedHeaders.noSecret();
    }
    boolean matched =
        Hmac.anyMatches(
            keys, List.of(candidate.get()), Hmac.utf8("v0:" + timestamp + ":"), request.body());
    return matched ? Verification.verified() : SignedHeaders.mismatch(SIGNATURE);
  }

  @Override
  public Set<String> signatureHeaders() {
    return Set.of("x-slack-signature");
  }
}
