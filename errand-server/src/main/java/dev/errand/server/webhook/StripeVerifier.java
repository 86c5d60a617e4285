package dev.errand.server.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stripe's scheme: {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...][,v0=...]}, each {@code
 * v1} an HMAC-SHA256 of {@code {t}.{body}} keyed with the whole secret's UTF-8 bytes (including its
 * {@code whsec_} prefix; Stripe does not base64-decode it). Several {@code v1} entries appear while
 * Stripe rotates a secret; any one that matches passes.
 */
final class StripeVerifier implements Verifier {
  static final String SIGNATURE = "Stripe-Signature";

  private final Duration tolerance;

  StripeVerifier(Duration tolerance) {
    this.tolerance = tolerance;
  }

  @Override
  public Verification verify(WebhookRequest request, List<String> secrets, Instant now) {
    Optional<Verification> problem = SignedHeaders.problem(request.headers(), SIGNATURE);
    if (problem.isPresent()) {
      return problem.get();
    }
    String timestamp = null;
    int v1Entries = 0;
    List<byte[]> candidates = new ArrayList<>();
    for (String item : SignedHeaders.value(request.headers(), SIGNATURE).split(",")) {
      int equals = item.indexOf('=');
      if (equals < 0) {
        continue;
      }
      String key = item.substring(0, equals).trim();
      String value = item.substring(equals + 1).trim();
      if (key.equals("t") && timestamp == null) {
        timestamp = value;
      } else if (key.equals("v1")) {
        v1Entries++;
        SignatureEncoding.hex(value).ifPresent(candidates::add);
      }
    }
    if (timestamp == null) {
      return Verification.malformed(
          "malformed_header", "the " + SIGNATURE + " header has no t= timestamp");
    }
    problem = SignedHeaders.timestampProblem(SIGNATURE, timestamp, now, tolerance);
    if (problem.isPresent()) {
      return problem.get();
    }
    if (v1Entries == 0) {
      return Verification.unauthorized(
          "no_supported_signature", "the " + SIGNATURE + " header has no v1 signature");
    }
    List<byte[]> keys = Hmac.utf8Keys(secrets);
    if (keys.isEmpty()) {
      return SignedHeaders.noSecret();
    }
    boolean matched = Hmac.anyMatches(keys, candidates, Hmac.utf8(timestamp + "."), request.body());
    return matched ? Verification.verified() : SignedHeaders.mismatch(SIGNATURE);
  }

  @Override
  public Set<String> signatureHeaders() {
    return Set.of("stripe-signature");
  }
}
