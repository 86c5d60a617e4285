package dev.errand.server.webhook;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generic type signing the body alone, hex with a prefix. */
class HmacSha256VerifierTest extends VerifierContractTest {
  /** Computed with Python's hmac module: HMAC-SHA256("errand-generic-secret", body), hex. */
  static final String PINNED_SECRET = "errand-generic-secret";

  static final String PINNED_BODY = "{\"event\":\"ping\"}";
  static final String PINNED_HEX =
      "44cf44d04c9caf8fcc5908241fa5cff76f057d9f4437e55237e62f2d2882d392";

  @Override
  VerifierConfig config() {
    return new VerifierConfig("hmac-sha256", null, "X-Signature", "sha256=", null, null);
  }

  @Override
  String secret() {
    return PINNED_SECRET;
  }

  @Override
  String otherSecret() {
    return "errand-older-secret";
  }

  @Override
  Map<String, String> headers(List<byte[]> macs, String timestamp, String id) {
    return Map.of("X-Signature", "sha256=" + HexFormat.of().formatHex(macs.getFirst()));
  }

  @Override
  String signatureHeader() {
    return "X-Signature";
  }

  private Verification verifyPinned(Verifier verifier, String signature) {
    return verifier.verify(
        Deliveries.request(PINNED_BODY, "X-Signature", signature),
        List.of(PINNED_SECRET),
        Instant.EPOCH);
  }

  @Test
  void thePinnedVectorVerifiesWithAndWithoutAPrefix() {
    assertVerified(verifyPinned(verifier, "sha256=" + PINNED_HEX));
    assertVerified(verifyPinned(verifier, "SHA256=" + PINNED_HEX));
    assertRejected(verifyPinned(verifier, PINNED_HEX), 400, "malformed_header");
    Verifier noPrefix =
        new VerifierConfig("hmac-sha256", null, "X-Signature", null, null, null).verifier();
    assertVerified(verifyPinned(noPrefix, PINNED_HEX));
    assertRejected(verifyPinned(noPrefix, "sha256=" + PINNED_HEX), 400, "malformed_header");
  }
}
