package dev.errand.server.webhook;

import static dev.errand.server.webhook.Deliveries.concat;
import static dev.errand.server.webhook.Deliveries.utf8;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generic type with a timestamp header, base64, no prefix. */
class HmacSha256TimestampedVerifierTest extends VerifierContractTest {
  /**
   * Computed with Python's hmac and base64 modules: HMAC-SHA256("errand-generic-secret",
   * "1700000000." + body), base64.
   */
  static final String PINNED_BASE64 = "5h8Z1BAJfMWEnZwEFq2jYlqDbw9aGRhh5zJD525/tzQ=";

  @Override
  VerifierConfig config() {
    return new VerifierConfig(
        "hmac-sha256", null, "X-Acme-Signature", null, "base64", "X-Acme-Timestamp");
  }

  @Override
  String secret() {
    return HmacSha256VerifierTest.PINNED_SECRET;
  }

  @Override
  String otherSecret() {
    return "errand-older-secret";
  }

  @Override
  byte[] signedContent(byte[] body, String timestamp, String id) {
    return concat(utf8(timestamp + "."), body);
  }

  @Override
  Map<String, String> headers(List<byte[]> macs, String timestamp, String id) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Acme-Timestamp", timestamp);
    headers.put("X-Acme-Signature", Base64.getEncoder().encodeToString(macs.getFirst()));
    return headers;
  }

  @Override
  String signatureHeader() {
    return "X-Acme-Signature";
  }

  @Override
  boolean timestamped() {
    return true;
  }

  @Override
  List<String> requiredHeaders() {
    return List.of("X-Acme-Timestamp", "X-Acme-Signature");
  }

  @Test
  void thePinnedVectorVerifies() {
    WebhookRequest request =
        Deliveries.request(
            HmacSha256VerifierTest.PINNED_BODY,
            "X-Acme-Timestamp",
            "1700000000",
            "X-Acme-Signature",
            PINNED_BASE64);
    assertVerified(verify(request, List.of(secret()), Instant.ofEpochSecond(1_700_000_000L)));
  }
}
