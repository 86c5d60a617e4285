package dev.errand.server.webhook;

import static dev.errand.server.webhook.Deliveries.concat;
import static dev.errand.server.webhook.Deliveries.utf8;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripeVerifierTest extends VerifierContractTest {
  /**
   * Stripe publishes no test vector. These were computed with Python's hmac module (key = the whole
   * secret's UTF-8 bytes, content = "1700000000." + body) and pinned.
   */
  static final String PINNED_SECRET = "whsec_test_errand_stripe_0123456789abcdef";

  static final String PINNED_BODY =
      "{\"id\":\"evt_1Errand\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\"}";
  static final String PINNED_V1 =
      "b604039ba7f973e63cdbafc32b3d41276e8dae088e2be91c5d0e6aeeb82d5bec";

  @Override
  VerifierConfig config() {
    return VerifierConfig.of("stripe");
  }

  @Override
  String secret() {
    return PINNED_SECRET;
  }

  @Override
  String otherSecret() {
    return "whsec_rotated_out_secret_abcdefghijklmnop";
  }

  @Override
  byte[] signedContent(byte[] body, String timestamp, String id) {
    return concat(utf8(timestamp + "."), body);
  }

  @Override
  Map<String, String> headers(List<byte[]> macs, String timestamp, String id) {
    StringBuilder header = new StringBuilder("t=" + timestamp);
    macs.forEach(mac -> header.append(",v1=").append(HexFormat.of().formatHex(mac)));
    return Map.of("Stripe-Signature", header.toString());
  }

  @Override
  String signatureHeader() {
    return "Stripe-Signature";
  }

  @Override
  boolean timestamped() {
    return true;
  }

  private Verification verifyPinned(String header) {
    return verify(
        Deliveries.request(PINNED_BODY, "Stripe-Signature", header),
        List.of(PINNED_SECRET),
        Instant.ofEpochSecond(1_700_000_000L));
  }

  @Test
  void thePinnedVectorVerifies() {
    assertVerified(verifyPinned("t=1700000000,v1=" + PINNED_V1));
    assertVerified(verifyPinned("t=1700000000,v1=" + PINNED_V1.toUpperCase()));
    assertVerified(verifyPinned(" t=1700000000 , v1=" + PINNED_V1 + " "));
  }

  @Test
  void theSecretIsNotBase64Decoded() {
    String decodedKeySecret = PINNED_SECRET.substring("whsec_".length());
    assertRejected(
        verify(
            Deliveries.request(PINNED_BODY, "Stripe-Signature", "t=1700000000,v1=" + PINNED_V1),
            List.of(decodedKeySecret),
            Instant.ofEpochSecond(1_700_000_000L)),
        401,
        "signature_mismatch");
  }

  @Test
  void anyOfSeveralV1SignaturesMayMatchAndV0IsIgnored() {
    String wrong = "0".repeat(64);
    assertVerified(verifyPinned("t=1700000000,v1=" + wrong + ",v1=" + PINNED_V1 + ",v0=" + wrong));
    assertVerified(verifyPinned("t=1700000000,v1=zz,v1=" + PINNED_V1));
    assertRejected(
        verifyPinned("t=1700000000,v1=" + wrong + ",v1=" + wrong), 401, "signature_mismatch");
  }

  @Test
  void v0AloneIsNotSupported() {
    assertRejected(verifyPinned("t=1700000000,v0=" + PINNED_V1), 401, "no_supported_signature");
  }

  @Test
  void aHeaderWithoutATimestampIsMalformed() {
    assertRejected(verifyPinned("v1=" + PINNED_V1), 400, "malformed_header");
    assertRejected(verifyPinned("t=123abc,v1=" + PINNED_V1), 400, "malformed_header");
    assertRejected(verifyPinned("t=,v1=" + PINNED_V1), 400, "malformed_header");
  }

  @Test
  void aStaleTimestampIsRejectedEvenWithAValidSignature() {
    assertRejected(
        verify(
            Deliveries.request(PINNED_BODY, "Stripe-Signature", "t=1700000000,v1=" + PINNED_V1),
            List.of(PINNED_SECRET),
            Instant.ofEpochSecond(1_700_000_301L)),
        401,
        "timestamp_outside_tolerance");
  }
}
