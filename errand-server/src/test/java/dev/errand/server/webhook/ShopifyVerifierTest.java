package dev.errand.server.webhook;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShopifyVerifierTest extends VerifierContractTest {
  /**
   * Shopify publishes no test vector. Computed with Python's hmac and base64 modules (key = the
   * secret's UTF-8 bytes, content = the body) and pinned.
   */
  static final String PINNED_SECRET = "shpss_errand_shopify_secret";

  static final String PINNED_BODY = "{\"id\":820982911946154508,\"email\":\"jon@example.com\"}";
  static final String PINNED_SIGNATURE = "+SRLVp+DopiTRUtsTfdTQD++O6IgAZIigQlAi7hP90k=";

  @Override
  VerifierConfig config() {
    return VerifierConfig.of("shopify");
  }

  @Override
  String secret() {
    return PINNED_SECRET;
  }

  @Override
  String otherSecret() {
    return "shpss_previous_secret";
  }

  @Override
  Map<String, String> headers(List<byte[]> macs, String timestamp, String id) {
    return Map.of("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(macs.getFirst()));
  }

  @Override
  String signatureHeader() {
    return "X-Shopify-Hmac-Sha256";
  }

  private Verification verifyPinned(String signature) {
    return verify(
        Deliveries.request(PINNED_BODY, "X-Shopify-Hmac-Sha256", signature),
        List.of(PINNED_SECRET),
        Instant.EPOCH);
  }

  @Test
  void thePinnedVectorVerifies() {
    assertVerified(verifyPinned(PINNED_SIGNATURE));
  }

  @Test
  void signaturesThatAreNotBase64AreMalformed() {
    assertRejected(verifyPinned("not base64!"), 400, "malformed_header");
    assertRejected(verifyPinned("sha256=" + PINNED_SIGNATURE), 400, "malformed_header");
  }

  @Test
  void hexIsNotAccepted() {
    String hex = java.util.HexFormat.of().formatHex(Base64.getDecoder().decode(PINNED_SIGNATURE));
    assertRejected(verifyPinned(hex), 401, "signature_mismatch");
  }
}
