package dev.errand.server.webhook;

import static dev.errand.server.webhook.Deliveries.concat;
import static dev.errand.server.webhook.Deliveries.utf8;

import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackVerifierTest extends VerifierContractTest {
  /**
   * Slack's documented example ("Verifying requests from Slack", api.slack.com/authentication/
   * verifying-requests-from-slack); recomputed with Python's hmac module.
   */
  static final String DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

  static final String DOC_TIMESTAMP = "1531420618";
  static final String DOC_BODY =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
          + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
          + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
          + "commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
          + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  static final String DOC_SIGNATURE =
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  @Override
  VerifierConfig config() {
    return VerifierConfig.of("slack");
  }

  @Override
  String secret() {
    return DOC_SECRET;
  }

  @Override
  String otherSecret() {
    return "0123456789abcdef0123456789abcdef";
  }

  @Override
  byte[] signedContent(byte[] body, String timestamp, String id) {
    return concat(utf8("v0:" + timestamp + ":"), body);
  }

  @Override
  Map<String, String> headers(List<byte[]> macs, String timestamp, String id) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Slack-Request-Timestamp", timestamp);
    headers.put("X-Slack-Signature", "v0=" + HexFormat.of().formatHex(macs.getFirst()));
    return headers;
  }

  @Override
  String signatureHeader() {
    return "X-Slack-Signature";
  }

  @Override
  boolean timestamped() {
    return true;
  }

  @Override
  List<String> requiredHeaders() {
    return List.of("X-Slack-Request-Timestamp", "X-Slack-Signature");
  }

  private Verification verifyDoc(String timestamp, String signature, long now) {
    WebhookRequest request =
        Deliveries.request(
            DOC_BODY,
            "X-Slack-Request-Timestamp",
            timestamp,
            "X-Slack-Signature",
            signature,
            "Content-Type",
            "application/x-www-form-urlencoded");
    return verify(request, List.of(DOC_SECRET), Instant.ofEpochSecond(now));
  }

  @Test
  void theDocumentedExampleVerifies() {
    assertVerified(verifyDoc(DOC_TIMESTAMP, DOC_SIGNATURE, 1_531_420_618L));
    assertVerified(verifyDoc(DOC_TIMESTAMP, DOC_SIGNATURE, 1_531_420_618L + 299));
  }

  @Test
  void theDocumentedExampleIsTooOldToday() {
    assertRejected(
        verifyDoc(DOC_TIMESTAMP, DOC_SIGNATURE, 1_531_420_618L + 301),
        401,
        "timestamp_outside_tolerance");
  }

  @Test
  void malformedHeaders() {
    long now = 1_531_420_618L;
    assertRejected(verifyDoc("123abc", DOC_SIGNATURE, now), 400, "malformed_header");
    assertRejected(
        verifyDoc(DOC_TIMESTAMP, DOC_SIGNATURE.substring(3), now), 400, "malformed_header");
    assertRejected(
        verifyDoc(DOC_TIMESTAMP, "v1=" + DOC_SIGNATURE.substring(3), now), 400, "malformed_header");
    assertRejected(verifyDoc(DOC_TIMESTAMP, "v0=xyz", now), 400, "malformed_header");
  }
}
