package dev.errand.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoneVerifierTest {
  private final Verifier verifier = VerifierConfig.of("none").verifier();

  @Test
  void everythingPassesAndShowsAsUnverified() {
    WebhookRequest request = Deliveries.request("anything", "X-Hub-Signature-256", "sha256=00");
    assertThat(verifier.verify(request, List.of(), Instant.EPOCH))
        .isInstanceOf(Verification.Verified.class);
    assertThat(verifier.verify(request, null, Instant.MAX))
        .isInstanceOf(Verification.Verified.class);
    assertThat(verifier.verifies()).isFalse();
    assertThat(verifier.signatureHeaders()).isEmpty();
  }

  @Test
  void everySigningTypeVerifies() {
    for (String type : List.of("standard-webhooks", "stripe", "github", "slack", "shopify")) {
      assertThat(VerifierConfig.of(type).verifier().verifies()).as(type).isTrue();
    }
  }
}
