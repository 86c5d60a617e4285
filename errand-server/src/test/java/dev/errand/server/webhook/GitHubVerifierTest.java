package dev.errand.server.webhook;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitHubVerifierTest extends VerifierContractTest {
  /**
   * GitHub's documented example ("Validating webhook deliveries", docs.github.com, section "Testing
   * the webhook payload validation"); recomputed with Python's hmac module.
   */
  static final String DOC_SECRET = "It's a Secret to Everybody";

  static final String DOC_BODY = "Hello, World!";
  static final String DOC_SIGNATURE =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Override
  VerifierConfig config() {
    return VerifierConfig.of("github");
  }

  @Override
  String secret() {
    return DOC_SECRET;
  }

  @Override
  String otherSecret() {
    return "the-previous-github-secret";
  }

  @Override
  Map<String, String> headers(List<byte[]> macs, String timestamp, String id) {
    return Map.of("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(macs.getFirst()));
  }

  @Override
  String signatureHeader() {
    return "X-Hub-Signature-256";
  }

  private Verification verifyDoc(String header) {
    return verify(
        Deliveries.request(DOC_BODY, "X-Hub-Signature-256", header),
        List.of(DOC_SECRET),
        Instant.EPOCH);
  }

  @Test
  void theDocumentedExampleVerifies() {
    assertVerified(verifyDoc(DOC_SIGNATURE));
  }

  @Test
  void theSha1HeaderAloneIsNotEnough() {
    WebhookRequest request =
        Deliveries.request(
            DOC_BODY, "X-Hub-Signature", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59");
    assertRejected(verify(request, List.of(DOC_SECRET), Instant.EPOCH), 400, "missing_header");
  }

  @Test
  void aSignatureWithoutItsPrefixOrNotHexIsMalformed() {
    assertRejected(verifyDoc(DOC_SIGNATURE.substring("sha256=".length())), 400, "malformed_header");
    assertRejected(verifyDoc("sha1=" + DOC_SIGNATURE.substring(7)), 400, "malformed_header");
    assertRejected(verifyDoc("sha256=" + "g".repeat(64)), 400, "malformed_header");
    assertRejected(verifyDoc("sha256=" + "a".repeat(63)), 400, "malformed_header");
  }
}
