package dev.errand.server.e2e;

/** {@link WebhookTest} on the embedded store. */
class EmbeddedWebhookTest extends WebhookTest {
  @Override
  Storage storage() {
    return Storage.EMBEDDED;
  }
}
