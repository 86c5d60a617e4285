package dev.errand.server.webhook;

import static dev.errand.server.webhook.Deliveries.concat;
import static dev.errand.server.webhook.Deliveries.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardWebhooksVerifierTest extends VerifierContractTest {
  /**
   * The published example of the Standard Webhooks libraries: {@code verifyWebhookSignWorks} in
   * standard-webhooks/standard-webhooks, libraries/java/src/test/java/com/standardwebhooks/
   * WebhookTest.java (the other languages' tests use the same values). Recomputed with Python's
   * hmac module before pinning.
   */
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final String SPEC_TIMESTAMP = "1614265330";
  static final String SPEC_BODY = "{\"test\": 2432232314}";
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Override
  VerifierConfig config() {
    return VerifierConfig.of("standard-webhooks");
  }

  @Override
  String secret() {
    return SPEC_SECRET;
  }

  @Override
  String otherSecret() {
    return "whsec_" + Base64.getEncoder().encodeToString(utf8("another-secret-of-32-bytes-long!"));
  }

  @Override
  byte[] key(String secret) {
    return Base64.getDecoder().decode(secret.substring("whsec_".length()));
  }

  @Override
  byte[] signedContent(byte[] body, String timestamp, String id) {
    return concat(utf8(id + "." + timestamp + "."), body);
  }

  @Override
  Map<String, String> headers(List<byte[]> macs, String timestamp, String id) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("webhook-id", id);
    headers.put("webhook-timestamp", timestamp);
    headers.put("webhook-signature", signatures(macs));
    return headers;
  }

  static String signatures(List<byte[]> macs) {
    return String.join(
        " ", macs.stream().map(mac -> "v1," + Base64.getEncoder().encodeToString(mac)).toList());
  }

  @Override
  String signatureHeader() {
    return "webhook-signature";
  }

  @Override
  boolean timestamped() {
    return true;
  }

  @Override
  List<String> requiredHeaders() {
    return List.of("webhook-id", "webhook-timestamp", "webhook-signature");
  }

  @Override
  boolean signsId() {
    return true;
  }

  private WebhookRequest specDelivery(String signature) {
    return Deliveries.request(
        SPEC_BODY,
        "webhook-id",
        SPEC_ID,
        "webhook-timestamp",
        SPEC_TIMESTAMP,
        "webhook-signature",
        signature,
        "Content-Type",
        "application/json");
  }

  private static Instant specTime() {
    return Instant.ofEpochSecond(Long.parseLong(SPEC_TIMESTAMP));
  }

  @Test
  void thePublishedExampleVerifies() {
    assertVerified(verify(specDelivery(SPEC_SIGNATURE), List.of(SPEC_SECRET), specTime()));
  }

  @Test
  void thePublishedExampleMatchesAnIndependentComputation() {
    byte[] mac =
        Deliveries.hmacSha256(
            key(SPEC_SECRET), utf8(SPEC_ID + "." + SPEC_TIMESTAMP + "." + SPEC_BODY));
    assertThat("v1," + Base64.getEncoder().encodeToString(mac)).isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  void aSecretWithoutItsPrefixWorksToo() {
    String bare = SPEC_SECRET.substring("whsec_".length());
    assertVerified(verify(specDelivery(SPEC_SIGNATURE), List.of(bare), specTime()));
  }

  @Test
  void onlyOneOfSeveralSignaturesNeedsToBeValid() {
    String header =
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
            + SPEC_SIGNATURE
            + " v1,not*base64 v1a,abc";
    assertVerified(verify(specDelivery(header), List.of(SPEC_SECRET), specTime()));
  }

  @Test
  void severalInvalidSignaturesAreAMismatch() {
    String header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,AAAA";
    assertRejected(
        verify(specDelivery(header), List.of(SPEC_SECRET), specTime()), 401, "signature_mismatch");
  }

  @Test
  void otherVersionsAloneAreNotSupported() {
    String v2Only = SPEC_SIGNATURE.replace("v1,", "v2,");
    assertRejected(
        verify(specDelivery(v2Only), List.of(SPEC_SECRET), specTime()),
        401,
        "no_supported_signature");
    String v1aOnly = SPEC_SIGNATURE.replace("v1,", "v1a,") + " v2,abc";
    assertRejected(
        verify(specDelivery(v1aOnly), List.of(SPEC_SECRET), specTime()),
        401,
        "no_supported_signature");
  }

  @Test
  void aSignatureThatIsNotBase64IsAMismatch() {
    assertRejected(
        verify(specDelivery("v1,%%%%"), List.of(SPEC_SECRET), specTime()),
        401,
        "signature_mismatch");
  }

  @Test
  void aNonNumericTimestampIsMalformed() {
    for (String timestamp : List.of("123abc", "abc", "1614265330.5", "-1614265330", "")) {
      WebhookRequest request =
          Deliveries.request(
              SPEC_BODY,
              "webhook-id",
              SPEC_ID,
              "webhook-timestamp",
              timestamp,
              "webhook-signature",
              SPEC_SIGNATURE);
      assertRejected(verify(request, List.of(SPEC_SECRET), specTime()), 400, "malformed_header");
    }
  }

  @Test
  void aConfiguredToleranceIsUsed() {
    Verifier lenient =
        new VerifierConfig("standard-webhooks", Duration.ofHours(1), null, null, null, null)
            .verifier();
    WebhookRequest request = specDelivery(SPEC_SIGNATURE);
    assertVerified(lenient.verify(request, List.of(SPEC_SECRET), specTime().plusSeconds(3600)));
    assertRejected(
        lenient.verify(request, List.of(SPEC_SECRET), specTime().plusSeconds(3601)),
        401,
        "timestamp_outside_tolerance");
  }
}
