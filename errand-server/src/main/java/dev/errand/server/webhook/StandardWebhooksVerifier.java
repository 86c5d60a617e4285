package dev.errand.server.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Standard Webhooks scheme (standardwebhooks.com): {@code webhook-signature} is a
 * space-separated list of {@code v1,<base64>} entries, each an HMAC-SHA256 of {@code
 * {webhook-id}.{webhook-timestamp}.{body}} keyed with the base64-decoded secret (after its {@code
 * whsec_} prefix). Entries of other versions are ignored.
 */
final class StandardWebhooksVerifier implements Verifier {
  static final String ID = "webhook-id";
  static final String TIMESTAMP = "webhook-timestamp";
  static final String SIGNATURE = "webhook-signature";
  static final String SECRET_PREFIX = "whsec_";

  private final Duration tolerance;

  StandardWebhooksVerifier(Duration tolerance) {
    this.tolerance = tolerance;
  }

  @Override
  public Verification verify(WebhookRequest request, List<String> secrets, Instant now) {
    Headers headers = request.headers();
    Optional<Verification> problem = SignedHeaders.problem(headers, ID, TIMESTAMP, SIGNATURE);
    if (problem.isPresent()) {
      return problem.get();
    }
    String id = SignedHeaders.value(headers, ID);
    String timestamp = SignedHeaders.value(headers, TIMESTAMP);
    problem = SignedHeaders.timestampProblem(TIMESTAMP, timestamp, now, tolerance);
    if (problem.isPresent()) {
      return problem.get();
    }
    List<byte[]> candidates = new ArrayList<>();
    int v1Entries = 0;
    for (String entry : SignedHeaders.value(headers, SIGNATURE).split(" ")) {
      if (entry.startsWith("v1,")) {
        v1Entries++;
        SignatureEncoding.base64(entry.substring(3)).ifPresent(candidates::add);
      }
    }
    if (v1Entries == 0) {
      return Verification.unauthorized(
          "no_supported_signature", "the " + SIGNATURE + " header has no v1 signature");
    }
    List<byte[]> keys = keys(secrets);
    if (keys.isEmpty()) {
      return SignedHeaders.noSecret();
    }
    boolean matched =
        Hmac.anyMatches(
            keys,
            candidates,
            Hmac.utf8(id),
            Hmac.utf8("."),
            Hmac.utf8(timestamp),
            Hmac.utf8("."),
            request.body());
    return matched ? Verification.verified() : SignedHeaders.mismatch(SIGNATURE);
  }

  /** The decoded keys; a secret that does not decode is skipped rather than failing the rest. */
  private static List<byte[]> keys(List<String> secrets) {
    List<byte[]> keys = new ArrayList<>();
    if (secrets != null) {
      for (String secret : secrets) {
        if (secret != null) {
          key(secret).ifPresent(keys::add);
        }
      }
    }
    return keys;
  }

  /** The HMAC key of a secret, {@code whsec_} prefix optional, as the spec's libraries accept. */
  static Optional<byte[]> key(String secret) {
    String encoded =
        secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    return SignatureEncoding.base64(encoded);
  }

  @Override
  public Set<String> signatureHeaders() {
    return Set.of(SIGNATURE);
  }
}
