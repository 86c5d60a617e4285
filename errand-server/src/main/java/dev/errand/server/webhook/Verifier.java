package dev.errand.server.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Checks a delivery's signature over its raw bytes, in constant time, against an endpoint's current
 * secrets (several during a rotation's grace period: any one that matches passes). Thread-safe and
 * stateless: one instance per endpoint configuration.
 */
public interface Verifier {

  /**
   * Verifies {@code request} at {@code now} (the server's injectable clock, for timestamp
   * tolerances) against {@code secrets}, newest first.
   */
  Verification verify(WebhookRequest request, List<String> secrets, Instant now);

  /** The headers that carry signatures, lower case: their values are masked when stored. */
  Set<String> signatureHeaders();

  /** False only for the {@code none} verifier: its deliveries show as unverified everywhere. */
  default boolean verifies() {
    return true;
  }
}
