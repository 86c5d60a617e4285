package dev.errand.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignatureMaskingTest {
  @Test
  void stripeKeepsItsTimestampAndMasksEverySignature() {
    Headers headers =
        Deliveries.headers(
            "Stripe-Signature",
            "t=1700000000,v1=" + "a".repeat(64) + ",v1=" + "b".repeat(64) + ",v0=" + "c".repeat(64),
            "Content-Type",
            "application/json");
    Map<String, List<String>> masked =
        SignatureMasking.masked(headers, VerifierConfig.of("stripe").verifier().signatureHeaders());
    assertThat(masked)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "stripe-signature",
                List.of("t=1700000000,v1=[masked],v1=[masked],v0=[masked]"),
                "content-type",
                List.of("application/json")));
  }

  @Test
  void aHostileStripeHeaderLeaksNothing() {
    String secretish = "whsec_leak";
    Headers headers =
        Deliveries.headers("stripe-signature", "t=" + secretish + "," + secretish + ",=x,v1=");
    String masked =
        SignatureMasking.masked(headers, Set.of("stripe-signature"))
            .get("stripe-signature")
            .getFirst();
    assertThat(masked).doesNotContain("leak").isEqualTo("t=[masked],[masked],[masked],v1=[masked]");
  }

  @Test
  void otherSignatureAndCredentialHeadersAreMaskedWhole() {
    Map<String, List<String>> values = new LinkedHashMap<>();
    values.put("X-Hub-Signature-256", List.of("sha256=757107ea"));
    values.put("Authorization", List.of("Bearer abc"));
    values.put("Cookie", List.of("session=1", "other=2"));
    values.put("Proxy-Authorization", List.of("Basic xyz"));
    values.put("X-GitHub-Event", List.of("push"));
    Map<String, List<String>> masked =
        SignatureMasking.masked(
            Headers.of(values), VerifierConfig.of("github").verifier().signatureHeaders());
    assertThat(masked)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "x-hub-signature-256", List.of("[masked]"),
                "authorization", List.of("[masked]"),
                "cookie", List.of("[masked]", "[masked]"),
                "proxy-authorization", List.of("[masked]"),
                "x-github-event", List.of("push")));
  }

  @Test
  void everyVerifiersSignatureHeaderIsMasked() {
    Map<String, String> signed =
        Map.of(
            "standard-webhooks", "webhook-signature",
            "slack", "X-Slack-Signature",
            "shopify", "X-Shopify-Hmac-Sha256",
            "github", "X-Hub-Signature-256");
    signed.forEach(
        (type, header) -> {
          Headers headers = Deliveries.headers(header, "v1,c2VjcmV0");
          assertThat(
                  SignatureMasking.masked(
                      headers, VerifierConfig.of(type).verifier().signatureHeaders()))
              .as(type)
              .isEqualTo(Map.of(header.toLowerCase(), List.of("[masked]")));
        });
    VerifierConfig generic =
        new VerifierConfig("hmac-sha256", null, "X-Acme-Sig", null, null, null);
    assertThat(
            SignatureMasking.masked(
                Deliveries.headers("x-acme-sig", "abc"), generic.verifier().signatureHeaders()))
        .isEqualTo(Map.of("x-acme-sig", List.of("[masked]")));
  }

  @Test
  void theResultIsImmutable() {
    Map<String, List<String>> masked =
        SignatureMasking.masked(Deliveries.headers("A", "b"), Set.of());
    assertThat(masked).isEqualTo(Map.of("a", List.of("b")));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> masked.put("c", List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
